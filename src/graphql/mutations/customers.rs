use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::{run, Arguments, ErrorPolicy, Outcome, UserError};
use crate::auth::Scope;
use crate::domain::customers::commands::{self, CustomerInput};
use crate::domain::customers::Customer as Row;
use crate::domain::validate::Patch;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::loaders;
use crate::graphql::types::customers::Customer;

fn patch(v: MaybeUndefined<String>) -> Patch<String> {
    match v {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(s) => Patch::Set(s),
    }
}

/// A customer to create.
#[derive(InputObject)]
pub struct CustomerCreateInput {
    /// Unique per merchant, case-insensitive.
    pub email: String,
    /// Given name, at most 100 characters (trimmed; blank means none).
    pub first_name: Option<String>,
    /// Family name, at most 100 characters (trimmed; blank means none).
    pub last_name: Option<String>,
    /// Phone number: digits, spaces and `+-().`, at least 4 digits, at most 32 characters.
    pub phone: Option<String>,
    #[graphql(default)]
    /// Whether the customer agreed to receive marketing (default false).
    pub accepts_marketing: bool,
    /// 1–64 characters each, at most 250.
    pub tags: Option<Vec<String>>,
    /// A JSON object of at most 16 KiB.
    pub metadata: Option<async_graphql::Json<serde_json::Value>>,
    /// Identifier in a legacy system or CRM, unique per merchant.
    pub external_id: Option<String>,
    /// Staff notes, at most 5,000 characters.
    pub notes: Option<String>,
    /// Groups (`cg_…`) the customer joins.
    pub customer_group_ids: Option<Vec<ID>>,
}

impl From<CustomerCreateInput> for CustomerInput {
    fn from(i: CustomerCreateInput) -> Self {
        let set = |v: Option<String>| v.map(Patch::Set).unwrap_or(Patch::Keep);
        CustomerInput {
            id: None,
            email: Some(i.email),
            first_name: set(i.first_name),
            last_name: set(i.last_name),
            phone: set(i.phone),
            accepts_marketing: Some(i.accepts_marketing),
            tags: i.tags,
            metadata: i.metadata.map(|j| j.0),
            external_id: set(i.external_id),
            notes: set(i.notes),
            customer_group_ids: i
                .customer_group_ids
                .map(|v| v.into_iter().map(|id| id.0).collect()),
            expected_updated_at: None,
        }
    }
}

/// Changes to a customer; omitted fields keep their values, `null` clears an optional one.
#[derive(InputObject)]
pub struct CustomerUpdateInput {
    /// The customer (`cus_…`).
    pub id: ID,
    /// Refuse the change with CONFLICT if the customer was updated after this time.
    pub expected_updated_at: Option<DateTime<Utc>>,
    /// New email address, unique per merchant (case-insensitive).
    pub email: Option<String>,
    /// Given name, at most 100 characters; `null` clears it.
    pub first_name: MaybeUndefined<String>,
    /// Family name, at most 100 characters; `null` clears it.
    pub last_name: MaybeUndefined<String>,
    /// Digits, spaces and `+-().`, at least 4 digits, at most 32 characters; `null` clears it.
    pub phone: MaybeUndefined<String>,
    /// Whether the customer agreed to receive marketing.
    pub accepts_marketing: Option<bool>,
    /// Replaces the tags.
    pub tags: Option<Vec<String>>,
    /// Replaces the metadata object.
    pub metadata: Option<async_graphql::Json<serde_json::Value>>,
    /// Identifier in a legacy system or CRM, unique per merchant, at most 100 characters; `null` clears it.
    pub external_id: MaybeUndefined<String>,
    /// Staff notes, at most 5,000 characters; `null` clears them.
    pub notes: MaybeUndefined<String>,
    /// Replaces the customer's groups.
    pub customer_group_ids: Option<Vec<ID>>,
}

impl From<CustomerUpdateInput> for CustomerInput {
    fn from(i: CustomerUpdateInput) -> Self {
        CustomerInput {
            id: Some(i.id.0),
            email: i.email,
            first_name: patch(i.first_name),
            last_name: patch(i.last_name),
            phone: patch(i.phone),
            accepts_marketing: i.accepts_marketing,
            tags: i.tags,
            metadata: i.metadata.map(|j| j.0),
            external_id: patch(i.external_id),
            notes: patch(i.notes),
            customer_group_ids: i
                .customer_group_ids
                .map(|v| v.into_iter().map(|id| id.0).collect()),
            expected_updated_at: i.expected_updated_at,
        }
    }
}

/// The outcome of one item of a bulk customer mutation.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct CustomerResult {
    /// Position of the item in the input list.
    pub index: i32,
    /// The customer written (null when the item failed or was not written).
    pub customer: Option<Customer>,
    /// Why this item failed, paths starting with the list argument and the item's index
    /// (`["input", "3", "email"]`); empty when it was written.
    pub user_errors: Vec<UserError>,
}

/// Result of a bulk customer mutation.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct CustomersPayload {
    /// The customers written, in input order.
    pub customers: Vec<Customer>,
    /// One result per input item, with its index.
    pub results: Vec<CustomerResult>,
    /// Every error, each naming its field path.
    pub user_errors: Vec<UserError>,
}

/// Result of `customersDelete`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct CustomersDeletePayload {
    /// IDs of the customers deleted.
    pub deleted_ids: Vec<ID>,
    /// Why items were refused (NOT_FOUND, HAS_COMPLETED_ORDERS…), paths like `["ids", "3"]`.
    pub user_errors: Vec<UserError>,
}

/// `customersCreate(input:, errorPolicy:, idempotencyKey:)` and `customersUpdate(…)`.
const WRITE_ARGS: Arguments = Arguments::new("input", &["error_policy", "idempotency_key"]);
/// `customersDelete(ids:, errorPolicy:, idempotencyKey:)`.
const DELETE_ARGS: Arguments = Arguments::new("ids", &["error_policy", "idempotency_key"]);
/// `customersAddTags(ids:, tags:, idempotencyKey:)` and `customersRemoveTags(…)`.
const TAG_ARGS: Arguments = Arguments::new("ids", &["tags", "idempotency_key"]);

async fn payload(
    ctx: &Context<'_>,
    args: &Arguments,
    outcome: Outcome,
) -> GqlResult<CustomersPayload> {
    let rows = loaders::load_many::<Row>(ctx, &outcome.written()).await?;
    let find =
        |id: Option<i64>| id.and_then(|id| rows.iter().find(|r| r.id == id).cloned().map(Customer));
    let results = outcome
        .items
        .iter()
        .map(|i| CustomerResult {
            index: i.index as i32,
            customer: find(i.id),
            user_errors: args.user_errors(&i.errors),
        })
        .collect();
    Ok(CustomersPayload {
        customers: rows.iter().cloned().map(Customer).collect(),
        results,
        user_errors: outcome.user_errors(args),
    })
}

#[derive(Default)]
pub struct CustomerMutation;

#[Object]
impl CustomerMutation {
    /// Creates up to 1,000 customers in one transaction.
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customers_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customers to create, 1 to 1,000.")] input: Vec<CustomerCreateInput>,
        #[graphql(desc = "Default REJECT_EVERYTHING.")] error_policy: Option<ErrorPolicy>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<CustomersPayload> {
        let inputs: Vec<CustomerInput> = input.into_iter().map(Into::into).collect();
        let merchant = crate::graphql::context::merchant_id(ctx)?;
        let error_policy = error_policy.unwrap_or_default();
        let policy = error_policy.into();
        let hashed = (&inputs, error_policy == ErrorPolicy::RejectFailedRows);
        let hash_input = serde_json::to_value(hashed).unwrap_or_default();
        let outcome = run(
            ctx,
            &WRITE_ARGS,
            "customersCreate",
            idempotency_key.as_deref(),
            &hash_input,
            move |c| {
                Box::pin(async move {
                    Ok(Outcome {
                        items: commands::create_many(c, merchant, &inputs, policy).await?,
                        ..Outcome::default()
                    })
                })
            },
        )
        .await?;
        super::after_bulk_write(ctx, &["customers"], outcome.written().len());
        payload(ctx, &WRITE_ARGS, outcome).await
    }

    /// Updates up to 1,000 customers in one transaction; omitted fields keep their values.
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customers_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One change per customer, 1 to 1,000.")] input: Vec<CustomerUpdateInput>,
        #[graphql(desc = "Default REJECT_EVERYTHING.")] error_policy: Option<ErrorPolicy>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<CustomersPayload> {
        let inputs: Vec<CustomerInput> = input.into_iter().map(Into::into).collect();
        let merchant = crate::graphql::context::merchant_id(ctx)?;
        let error_policy = error_policy.unwrap_or_default();
        let policy = error_policy.into();
        let hash_input =
            serde_json::to_value((&inputs, error_policy == ErrorPolicy::RejectFailedRows))
                .unwrap_or_default();
        let outcome = run(
            ctx,
            &WRITE_ARGS,
            "customersUpdate",
            idempotency_key.as_deref(),
            &hash_input,
            move |c| {
                Box::pin(async move {
                    Ok(Outcome {
                        items: commands::update_many(c, merchant, &inputs, policy).await?,
                        ..Outcome::default()
                    })
                })
            },
        )
        .await?;
        payload(ctx, &WRITE_ARGS, outcome).await
    }

    /// Deletes up to 1,000 customers. Customers with completed orders are refused
    /// (HAS_COMPLETED_ORDERS); their other orders are kept without a customer.
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customers_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customers to delete (`cus_…`), 1 to 1,000.")] ids: Vec<ID>,
        #[graphql(desc = "Default REJECT_EVERYTHING.")] error_policy: Option<ErrorPolicy>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<CustomersDeletePayload> {
        let ids: Vec<String> = ids.into_iter().map(|i| i.0).collect();
        let merchant = crate::graphql::context::merchant_id(ctx)?;
        let error_policy = error_policy.unwrap_or_default();
        let policy = error_policy.into();
        let hash_input =
            serde_json::to_value((&ids, error_policy == ErrorPolicy::RejectFailedRows))
                .unwrap_or_default();
        let public = ids.clone();
        let outcome = run(
            ctx,
            &DELETE_ARGS,
            "customersDelete",
            idempotency_key.as_deref(),
            &hash_input,
            move |c| {
                Box::pin(async move {
                    Ok(Outcome {
                        items: commands::delete_many(c, merchant, &ids, policy).await?,
                        ..Outcome::default()
                    })
                })
            },
        )
        .await?;
        let deleted_ids = outcome
            .items
            .iter()
            .filter(|i| i.id.is_some())
            .filter_map(|i| public.get(i.index).cloned())
            .map(ID)
            .collect();
        Ok(CustomersDeletePayload {
            deleted_ids,
            user_errors: outcome.user_errors(&DELETE_ARGS),
        })
    }

    /// Adds tags to up to 1,000 customers (tags they already have are kept once).
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customers_add_tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customers (`cus_…`), at most 1,000.")] ids: Vec<ID>,
        #[graphql(
            desc = "Tags to add, at least one: trimmed, 1–64 characters each, duplicates dropped."
        )]
        tags: Vec<String>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<CustomersPayload> {
        change_tags(ctx, ids, tags, true, idempotency_key).await
    }

    /// Removes tags from up to 1,000 customers.
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customers_remove_tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customers (`cus_…`), at most 1,000.")] ids: Vec<ID>,
        #[graphql(
            desc = "Tags to remove, at least one: trimmed, 1–64 characters each; tags a customer lacks are ignored."
        )]
        tags: Vec<String>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<CustomersPayload> {
        change_tags(ctx, ids, tags, false, idempotency_key).await
    }
}

async fn change_tags(
    ctx: &Context<'_>,
    ids: Vec<ID>,
    tags: Vec<String>,
    add: bool,
    key: Option<String>,
) -> GqlResult<CustomersPayload> {
    let ids: Vec<String> = ids.into_iter().map(|i| i.0).collect();
    let merchant = crate::graphql::context::merchant_id(ctx)?;
    let hash_input = serde_json::to_value((&ids, &tags, add)).unwrap_or_default();
    let operation = if add {
        "customersAddTags"
    } else {
        "customersRemoveTags"
    };
    let outcome = run(
        ctx,
        &TAG_ARGS,
        operation,
        key.as_deref(),
        &hash_input,
        move |c| {
            Box::pin(async move {
                let (items, errors) = commands::change_tags(c, merchant, &ids, &tags, add).await?;
                Ok(Outcome {
                    items,
                    errors,
                    ..Outcome::default()
                })
            })
        },
    )
    .await?;
    payload(ctx, &TAG_ARGS, outcome).await
}
