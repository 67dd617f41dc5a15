//! Customer address mutations (scope `customers:write`).

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::single::{hashed, outcome, patch, set};
use super::{run, Arguments, Outcome, UserError, EXPECTED_UPDATED_AT};
use crate::auth::Scope;
use crate::domain::customers::commands::addresses::{self, AddressInput};
use crate::domain::customers::Address as Row;
use crate::graphql::context::merchant_id;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::loaders;
use crate::graphql::types::addresses::Address;
use crate::ids::{self, Kind};

/// A postal address to save for a customer.
#[derive(InputObject, Serialize)]
pub struct CustomerAddressCreateInput {
    /// At most 100 characters.
    pub first_name: Option<String>,
    /// At most 100 characters.
    pub last_name: Option<String>,
    /// At most 100 characters.
    pub company: Option<String>,
    /// Street and number, 1–255 characters.
    pub address1: String,
    /// At most 255 characters.
    pub address2: Option<String>,
    /// 1–100 characters.
    pub city: String,
    /// At most 20 characters.
    pub zipcode: Option<String>,
    /// State or province name, at most 100 characters.
    pub state_name: Option<String>,
    /// ISO 3166-1 alpha-2 code in upper case (`EC`, `US`).
    pub country_code: String,
    /// At most 32 characters.
    pub phone: Option<String>,
    /// Makes this the customer's default billing address (the previous one loses the flag).
    #[graphql(default)]
    pub is_default_billing: bool,
    /// Makes this the customer's default shipping address (the previous one loses the flag).
    #[graphql(default)]
    pub is_default_shipping: bool,
}

impl From<CustomerAddressCreateInput> for AddressInput {
    fn from(i: CustomerAddressCreateInput) -> Self {
        AddressInput {
            first_name: set(i.first_name),
            last_name: set(i.last_name),
            company: set(i.company),
            address1: Some(i.address1),
            address2: set(i.address2),
            city: Some(i.city),
            zipcode: set(i.zipcode),
            state_name: set(i.state_name),
            country_code: Some(i.country_code),
            phone: set(i.phone),
            is_default_billing: Some(i.is_default_billing),
            is_default_shipping: Some(i.is_default_shipping),
        }
    }
}

/// Changes to an address: omitted fields keep their values, `null` clears an optional one.
#[derive(InputObject)]
pub struct CustomerAddressUpdateInput {
    /// At most 100 characters; `null` clears it.
    pub first_name: MaybeUndefined<String>,
    /// At most 100 characters; `null` clears it.
    pub last_name: MaybeUndefined<String>,
    /// At most 100 characters; `null` clears it.
    pub company: MaybeUndefined<String>,
    /// Street and number, 1–255 characters.
    pub address1: Option<String>,
    /// At most 255 characters; `null` clears it.
    pub address2: MaybeUndefined<String>,
    /// 1–100 characters.
    pub city: Option<String>,
    /// At most 20 characters; `null` clears it.
    pub zipcode: MaybeUndefined<String>,
    /// State or province name, at most 100 characters; `null` clears it.
    pub state_name: MaybeUndefined<String>,
    /// ISO 3166-1 alpha-2 code in upper case.
    pub country_code: Option<String>,
    /// At most 32 characters; `null` clears it.
    pub phone: MaybeUndefined<String>,
    /// `true` makes it the default billing address (the previous one loses the flag).
    pub is_default_billing: Option<bool>,
    /// `true` makes it the default shipping address (the previous one loses the flag).
    pub is_default_shipping: Option<bool>,
}

impl From<CustomerAddressUpdateInput> for AddressInput {
    fn from(i: CustomerAddressUpdateInput) -> Self {
        AddressInput {
            first_name: patch(i.first_name),
            last_name: patch(i.last_name),
            company: patch(i.company),
            address1: i.address1,
            address2: patch(i.address2),
            city: i.city,
            zipcode: patch(i.zipcode),
            state_name: patch(i.state_name),
            country_code: i.country_code,
            phone: patch(i.phone),
            is_default_billing: i.is_default_billing,
            is_default_shipping: i.is_default_shipping,
        }
    }
}

/// Result of an address mutation.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct CustomerAddressPayload {
    /// The address after the change (null when refused, or after a delete).
    pub address: Option<Address>,
    /// ID of the deleted address, for `customerAddressDelete`.
    pub deleted_id: Option<ID>,
    /// Why nothing was written; each names its field path.
    pub user_errors: Vec<UserError>,
}

async fn payload(
    ctx: &Context<'_>,
    args: &Arguments,
    outcome: Outcome,
    deleted: bool,
) -> GqlResult<CustomerAddressPayload> {
    let id = outcome.written().into_iter().next();
    let address = match (id, deleted) {
        (Some(id), false) => loaders::load::<Row>(ctx, id).await?.map(Address),
        _ => None,
    };
    Ok(CustomerAddressPayload {
        address,
        deleted_id: id
            .filter(|_| deleted)
            .map(|k| ID(ids::encode(Kind::Address, k))),
        user_errors: outcome.user_errors(args),
    })
}

/// `customerAddressCreate(customerId:, input:, idempotencyKey:)`.
const CREATE_ARGS: Arguments = Arguments::new("input", &["customer_id", "idempotency_key"]);
/// `customerAddressUpdate(id:, input:, expectedUpdatedAt:, idempotencyKey:, customerId:)`.
const UPDATE_ARGS: Arguments = Arguments::new(
    "input",
    &["id", EXPECTED_UPDATED_AT, "idempotency_key", "customer_id"],
);
/// `customerAddressDelete(id:, idempotencyKey:, customerId:)`.
const DELETE_ARGS: Arguments = Arguments::scalars(&["id", "idempotency_key", "customer_id"]);

/// What identifies an address change for its idempotency key: every field, with keeping,
/// clearing and setting one told apart.
fn address_hash(i: &AddressInput) -> serde_json::Value {
    serde_json::json!({
        "first_name": hashed(&i.first_name),
        "last_name": hashed(&i.last_name),
        "company": hashed(&i.company),
        "address1": i.address1,
        "address2": hashed(&i.address2),
        "city": i.city,
        "zipcode": hashed(&i.zipcode),
        "state_name": hashed(&i.state_name),
        "country_code": i.country_code,
        "phone": hashed(&i.phone),
        "is_default_billing": i.is_default_billing,
        "is_default_shipping": i.is_default_shipping,
    })
}

#[derive(Default)]
pub struct AddressMutation;

#[Object]
impl AddressMutation {
    /// Saves a new address for a customer (`cus_…`).
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customer_address_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer (`cus_…`).")] customer_id: ID,
        #[graphql(desc = "The address.")] input: CustomerAddressCreateInput,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<CustomerAddressPayload> {
        let m = merchant_id(ctx)?;
        let hash = serde_json::to_value((&customer_id.0, &input)).unwrap_or_default();
        let input: AddressInput = input.into();
        let outcome = run(
            ctx,
            &CREATE_ARGS,
            "customerAddressCreate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(outcome(
                        addresses::create(c, m, &customer_id, &input).await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &CREATE_ARGS, outcome, false).await
    }

    /// Changes an address (`addr_…`); omitted fields keep their values.
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customer_address_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The address (`addr_…`).")] id: ID,
        #[graphql(desc = "The changes.")] input: CustomerAddressUpdateInput,
        #[graphql(desc = "Refuse with CONFLICT if the address changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
        #[graphql(
            desc = "The customer (`cus_…`) the address must belong to: another customer's address is NOT_FOUND."
        )]
        customer_id: Option<ID>,
    ) -> GqlResult<CustomerAddressPayload> {
        let m = merchant_id(ctx)?;
        let input: AddressInput = input.into();
        let owner = customer_id.map(|c| c.0);
        let hash = serde_json::json!([id.0, address_hash(&input), expected_updated_at, owner]);
        let outcome = run(
            ctx,
            &UPDATE_ARGS,
            "customerAddressUpdate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(outcome(
                        addresses::update(c, m, &id, owner.as_deref(), &input, expected_updated_at)
                            .await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &UPDATE_ARGS, outcome, false).await
    }

    /// Deletes an address (`addr_…`). Deleting a default address leaves the customer without
    /// that default.
    #[graphql(guard = "RequireScope(Scope::CustomersWrite)")]
    async fn customer_address_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The address (`addr_…`).")] id: ID,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
        #[graphql(
            desc = "The customer (`cus_…`) the address must belong to: another customer's address is NOT_FOUND."
        )]
        customer_id: Option<ID>,
    ) -> GqlResult<CustomerAddressPayload> {
        let m = merchant_id(ctx)?;
        let owner = customer_id.map(|c| c.0);
        let hash = serde_json::json!([id.0, owner]);
        let outcome = run(
            ctx,
            &DELETE_ARGS,
            "customerAddressDelete",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(outcome(
                        addresses::delete(c, m, &id, owner.as_deref()).await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &DELETE_ARGS, outcome, true).await
    }
}
