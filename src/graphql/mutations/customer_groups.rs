use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::single::hashed;
use super::{expected_at_once, run, Arguments, Outcome, UserError, EXPECTED_UPDATED_AT};
use crate::auth::Scope;
use crate::domain::customers::{groups, CustomerGroup as Row};
use crate::domain::validate::{ItemResult, Patch};
use crate::graphql::context::merchant_id;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::loaders;
use crate::graphql::types::customer_groups::CustomerGroup;

/// A customer group to create.
#[derive(InputObject, serde::Serialize)]
pub struct CustomerGroupCreateInput {
    /// 1–100 characters, unique per merchant (case-insensitive).
    pub name: String,
    /// Description for staff, at most 1,000 characters.
    pub description: Option<String>,
    /// The group's first members (`cus_…`, at most 10,000); unknown IDs refuse the create.
    pub customer_ids: Option<Vec<ID>>,
}

/// Changes to a customer group.
#[derive(InputObject)]
pub struct CustomerGroupUpdateInput {
    /// New name, 1–100 characters, unique per merchant (case-insensitive).
    pub name: Option<String>,
    /// `null` clears it.
    pub description: MaybeUndefined<String>,
    /// Refuse with CONFLICT if the group changed after this time.
    pub expected_updated_at: Option<DateTime<Utc>>,
    /// The group's members from now on (`cus_…`, at most 10,000): customers not listed leave
    /// it, as `customerGroupRemoveCustomers` would; omitted, the members stay.
    pub customer_ids: Option<Vec<ID>>,
}

/// Result of a customer group mutation.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct CustomerGroupPayload {
    /// The group after the change (null when refused, or after a delete).
    pub customer_group: Option<CustomerGroup>,
    /// ID of the deleted group, for `customerGroupDelete`.
    pub deleted_id: Option<ID>,
    /// Why the mutation was refused, each naming its field path and a stable code (empty on success).
    pub user_errors: Vec<UserError>,
}

fn single(result: std::result::Result<i64, Vec<crate::domain::validate::FieldError>>) -> Outcome {
    match result {
        Ok(id) => Outcome {
            items: vec![ItemResult {
                index: 0,
                id: Some(id),
                errors: vec![],
            }],
            ..Outcome::default()
        },
        Err(errors) => Outcome {
            errors,
            ..Outcome::default()
        },
    }
}

/// `customerGroupCreate(input:, idempotencyKey:)`.
const CREATE_ARGS: Arguments = Arguments::new("input", &["idempotency_key"]);
/// `customerGroupUpdate(id:, input:, expectedUpdatedAt:, idempotencyKey:)`.
const UPDATE_ARGS: Arguments =
    Arguments::new("input", &["id", EXPECTED_UPDATED_AT, "idempotency_key"]);
/// `customerGroupDelete(id:, idempotencyKey:)`.
const DELETE_ARGS: Arguments = Arguments::scalars(&["id", "idempotency_key"]);
/// `customerGroupAddCustomers(id:, customerIds:, idempotencyKey:)` and
/// `customerGroupRemoveCustomers(…)`.
const MEMBER_ARGS: Arguments = Arguments::new("customerIds", &["id", "idempotency_key"]);

async fn payload(
    ctx: &Context<'_>,
    args: &Arguments,
    outcome: Outcome,
    deleted: bool,
) -> GqlResult<CustomerGroupPayload> {
    let id = outcome.written().first().copied();
    let group = match (id, deleted) {
        (Some(id), false) => loaders::load::<Row>(ctx, id).await?.map(CustomerGroup),
        _ => None,
    };
    let deleted_id = if deleted {
        id.map(|k| ID(crate::ids::encode(crate::ids::Kind::CustomerGroup, k)))
    } else {
        None
    };
    Ok(CustomerGroupPayload {
        customer_group: group,
        deleted_id,
        user_errors: outcome.user_errors(args),
    })
}

#[derive(Default)]
pub struct CustomerGroupMutation;

#[Object]
impl CustomerGroupMutation {
    /// Creates a customer group.
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customer_group_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The group to create.")] input: CustomerGroupCreateInput,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<CustomerGroupPayload> {
        let m = merchant_id(ctx)?;
        let hash = serde_json::to_value(&input).unwrap_or_default();
        let outcome = run(
            ctx,
            &CREATE_ARGS,
            "customerGroupCreate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    let members: Option<Vec<String>> = input
                        .customer_ids
                        .as_ref()
                        .map(|l| l.iter().map(|id| id.to_string()).collect());
                    Ok(single(
                        groups::create(
                            c,
                            m,
                            &input.name,
                            input.description.as_deref(),
                            members.as_deref(),
                        )
                        .await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &CREATE_ARGS, outcome, false).await
    }

    /// Renames or re-describes a customer group.
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customer_group_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer group (`cg_…`).")] id: ID,
        #[graphql(desc = "The changes; omitted fields keep their values.")]
        input: CustomerGroupUpdateInput,
        #[graphql(
            desc = "Refuse with CONFLICT if the group changed after this time (same as `input.expectedUpdatedAt`)."
        )]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<CustomerGroupPayload> {
        let m = merchant_id(ctx)?;
        let description = match input.description {
            MaybeUndefined::Undefined => Patch::Keep,
            MaybeUndefined::Null => Patch::Clear,
            MaybeUndefined::Value(v) => Patch::Set(v),
        };
        let hash = serde_json::json!({
            "id": id.0,
            "name": input.name,
            "description": hashed(&description),
            "customer_ids": input.customer_ids.as_ref().map(|l| l.iter().map(|i| &i.0).collect::<Vec<_>>()),
            "expected_updated_at": expected_updated_at,
            "input_expected_updated_at": input.expected_updated_at,
        });
        // A CONFLICT names the argument, or `input.expectedUpdatedAt` when only that was given.
        let args = UPDATE_ARGS.from_input_if(EXPECTED_UPDATED_AT, expected_updated_at.is_none());
        let outcome = run(
            ctx,
            &args,
            "customerGroupUpdate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    let at = expected_at_once(expected_updated_at, input.expected_updated_at)?;
                    let members: Option<Vec<String>> = input
                        .customer_ids
                        .as_ref()
                        .map(|l| l.iter().map(|id| id.to_string()).collect());
                    Ok(single(
                        groups::update(
                            c,
                            m,
                            &id,
                            input.name.as_deref(),
                            description,
                            at,
                            members.as_deref(),
                        )
                        .await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &args, outcome, false).await
    }

    /// Deletes a customer group; its customers stay, without the group.
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customer_group_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer group (`cg_…`).")] id: ID,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<CustomerGroupPayload> {
        let m = merchant_id(ctx)?;
        let hash = serde_json::to_value(&id.0).unwrap_or_default();
        let outcome = run(
            ctx,
            &DELETE_ARGS,
            "customerGroupDelete",
            idempotency_key.as_deref(),
            &hash,
            move |c| Box::pin(async move { Ok(single(groups::delete(c, m, &id).await?)) }),
        )
        .await?;
        payload(ctx, &DELETE_ARGS, outcome, true).await
    }

    /// Adds up to 1,000 customers to a group (members already in it are left as they are).
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customer_group_add_customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer group (`cg_…`).")] id: ID,
        #[graphql(desc = "The customers to add (`cus_…`), at most 1,000.")] customer_ids: Vec<ID>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<CustomerGroupPayload> {
        members(ctx, id, customer_ids, true, idempotency_key).await
    }

    /// Removes up to 1,000 customers from a group.
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customer_group_remove_customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer group (`cg_…`).")] id: ID,
        #[graphql(desc = "The customers to remove (`cus_…`), at most 1,000.")] customer_ids: Vec<
            ID,
        >,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<CustomerGroupPayload> {
        members(ctx, id, customer_ids, false, idempotency_key).await
    }
}

async fn members(
    ctx: &Context<'_>,
    id: ID,
    customer_ids: Vec<ID>,
    add: bool,
    key: Option<String>,
) -> GqlResult<CustomerGroupPayload> {
    let m = merchant_id(ctx)?;
    let group_id = id.0.clone();
    let customers: Vec<String> = customer_ids.into_iter().map(|i| i.0).collect();
    let hash = serde_json::to_value((&group_id, &customers)).unwrap_or_default();
    let operation = if add {
        "customerGroupAddCustomers"
    } else {
        "customerGroupRemoveCustomers"
    };
    let outcome = run(
        ctx,
        &MEMBER_ARGS,
        operation,
        key.as_deref(),
        &hash,
        move |c| {
            Box::pin(async move {
                let (items, errors) =
                    groups::change_members(c, m, &group_id, &customers, add).await?;
                Ok(Outcome {
                    items,
                    errors,
                    ..Outcome::default()
                })
            })
        },
    )
    .await?;
    let group = match crate::ids::decode(crate::ids::Kind::CustomerGroup, &id) {
        Ok(k) if !outcome.has_request_errors() => {
            loaders::load::<Row>(ctx, k).await?.map(CustomerGroup)
        }
        _ => None,
    };
    Ok(CustomerGroupPayload {
        customer_group: group,
        deleted_id: None,
        user_errors: outcome.user_errors(&MEMBER_ARGS),
    })
}
