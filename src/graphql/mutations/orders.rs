//! Order mutations: drafts and their line items, coupon codes, and the state machine
//! (complete, cancel, approve, resume). The rules live in `domain::orders::{commands,
//! transitions}`; every mutation runs in one transaction with the order row locked, takes an
//! optional `expectedUpdatedAt` (CONFLICT when the order changed) and `idempotencyKey`.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{run, Arguments, Outcome, UserError, EXPECTED_UPDATED_AT};
use crate::auth::Scope;
use crate::domain::orders::commands::transitions::{self, Transition};
use crate::domain::orders::commands::{
    self, LineChange, LineInput, LineSet, OrderAddressInput as AddressRow, OrderCreate, OrderUpdate,
};
use crate::domain::orders::Order as Row;
use crate::domain::validate::{FieldError, ItemResult, Patch};
use crate::graphql::context::merchant_id;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::{EdgeScope, RequireScope};
use crate::graphql::loaders;
use crate::graphql::types::order::Order;
use crate::ids::{self, Kind};

/// A draft order to create.
#[derive(InputObject)]
pub struct OrderCreateInput {
    /// ISO 4217 currency of every amount of the order, e.g. USD; omitted, the shop's
    /// `defaultCurrency`.
    pub currency: Option<String>,
    /// The buyer (`cus_…`); the order's email defaults to the customer's.
    pub customer_id: Option<ID>,
    /// Contact email; required (directly or through the customer) to complete the order.
    pub email: Option<String>,
    /// The sales channel (`ch_…`); price lists may depend on it. Omitted, the merchant's default
    /// channel (`isDefault`), if it has one.
    pub channel_id: Option<ID>,
    /// The store (`st_…`) that takes the order.
    pub store_id: Option<ID>,
    /// Free text, at most 5,000 characters.
    pub notes: Option<String>,
    /// A JSON object of at most 16 KiB.
    pub metadata: Option<async_graphql::Json<serde_json::Value>>,
    /// The order's identifier in another system, unique per merchant.
    pub external_id: Option<String>,
    /// Delivery charge before promotions (default 0).
    pub delivery_total: Option<Decimal>,
    /// First lines of the order (a variant given twice is one line).
    pub line_items: Option<Vec<OrderLineItemInput>>,
    /// A note from the buyer, shown to them (unlike `notes`), at most 5,000 characters.
    pub customer_note: Option<String>,
    /// The buyer's language: `en`, `en-US` (`en_us` is read as `en-US`).
    pub locale: Option<String>,
    /// Where to bill, checked as a customer's address is.
    pub billing_address: Option<OrderAddressInput>,
    /// Where to deliver, checked as a customer's address is.
    pub shipping_address: Option<OrderAddressInput>,
    /// One of the customer's saved addresses (`addr_…`) to copy as the billing address, instead
    /// of `billingAddress`; needs `customerId`. Another customer's address (or a deleted one)
    /// is NOT_FOUND.
    pub billing_address_id: Option<ID>,
    /// One of the customer's saved addresses (`addr_…`) to copy as the shipping address,
    /// instead of `shippingAddress`; needs `customerId`.
    pub shipping_address_id: Option<ID>,
    /// Copies the customer's default billing and shipping addresses onto the order, each unless
    /// given here (nothing without `customerId`, or when the customer has no such default).
    #[graphql(default)]
    pub use_customer_default_addresses: bool,
    /// A coupon code to apply once the lines are priced, as `orderApplyCouponCode` would. A
    /// code that does not exist refuses the create (NOT_FOUND); one that exists but does not
    /// apply to this order (not started, expired, used up, rules not met) is not kept and the
    /// order is created without it (`couponCode` is then null).
    pub coupon_code: Option<String>,
}

/// A billing or shipping address of an order (a copy: later changes of the customer's address
/// book do not reach it).
#[derive(InputObject)]
pub struct OrderAddressInput {
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
    /// State or province (name or abbreviation), at most 100 characters.
    pub state_name: Option<String>,
    /// ISO 3166-1 alpha-2 code in upper case (`EC`, `US`).
    pub country_code: String,
    /// At most 32 characters.
    pub phone: Option<String>,
}

impl From<OrderAddressInput> for AddressRow {
    fn from(i: OrderAddressInput) -> Self {
        AddressRow {
            first_name: i.first_name,
            last_name: i.last_name,
            company: i.company,
            address1: i.address1,
            address2: i.address2,
            city: i.city,
            zipcode: i.zipcode,
            state_name: i.state_name,
            country_code: i.country_code,
            phone: i.phone,
        }
    }
}

impl From<OrderCreateInput> for OrderCreate {
    fn from(i: OrderCreateInput) -> Self {
        OrderCreate {
            currency: i.currency,
            customer_id: i.customer_id.map(|x| x.0),
            email: i.email,
            channel_id: i.channel_id.map(|x| x.0),
            store_id: i.store_id.map(|x| x.0),
            notes: i.notes,
            metadata: i.metadata.map(|j| j.0),
            external_id: i.external_id,
            delivery_total: i.delivery_total,
            line_items: i
                .line_items
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            customer_note: i.customer_note,
            locale: i.locale,
            billing_address: i.billing_address.map(Into::into),
            shipping_address: i.shipping_address.map(Into::into),
            billing_address_id: i.billing_address_id.map(|x| x.0),
            shipping_address_id: i.shipping_address_id.map(|x| x.0),
            use_customer_default_addresses: i.use_customer_default_addresses,
            coupon_code: i.coupon_code,
        }
    }
}

/// Changes to an order; omitted fields keep their values, `null` clears an optional one.
#[derive(InputObject)]
pub struct OrderUpdateInput {
    /// The buyer (`cus_…`), drafts only; a new customer brings their email unless `email` is
    /// given too.
    pub customer_id: MaybeUndefined<ID>,
    /// Contact email.
    pub email: MaybeUndefined<String>,
    /// The sales channel (`ch_…`), drafts only.
    pub channel_id: MaybeUndefined<ID>,
    /// The store (`st_…`).
    pub store_id: MaybeUndefined<ID>,
    /// Free text, at most 5,000 characters.
    pub notes: MaybeUndefined<String>,
    /// Replaces the metadata object (at most 16 KiB).
    pub metadata: Option<async_graphql::Json<serde_json::Value>>,
    /// The order's identifier in another system, unique per merchant.
    pub external_id: MaybeUndefined<String>,
    /// Delivery charge before promotions, drafts only.
    pub delivery_total: Option<Decimal>,
    /// The buyer's note, at most 5,000 characters.
    pub customer_note: MaybeUndefined<String>,
    /// The buyer's language: `en`, `en-US`.
    pub locale: MaybeUndefined<String>,
    /// Replaces the billing address whole; `null` removes it.
    pub billing_address: MaybeUndefined<OrderAddressInput>,
    /// Replaces the shipping address whole; `null` removes it.
    pub shipping_address: MaybeUndefined<OrderAddressInput>,
    /// Drafts only: sets the line of each variant given (adds it when absent, quantity 0
    /// removes it); the order's other lines stay. Prices, promotions and totals are recomputed
    /// with the rest of the change.
    pub line_items: Option<Vec<OrderLineItemSetInput>>,
}

fn patch_address(v: MaybeUndefined<OrderAddressInput>) -> Patch<AddressRow> {
    match v {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(a) => Patch::Set(a.into()),
    }
}

fn patch(v: MaybeUndefined<String>) -> Patch<String> {
    match v {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(s) => Patch::Set(s),
    }
}

fn patch_id(v: MaybeUndefined<ID>) -> Patch<String> {
    patch(v.map_value(|id| id.0))
}

impl From<OrderUpdateInput> for OrderUpdate {
    fn from(i: OrderUpdateInput) -> Self {
        OrderUpdate {
            customer_id: patch_id(i.customer_id),
            email: patch(i.email),
            channel_id: patch_id(i.channel_id),
            store_id: patch_id(i.store_id),
            notes: patch(i.notes),
            external_id: patch(i.external_id),
            metadata: i.metadata.map(|j| j.0),
            delivery_total: i.delivery_total,
            customer_note: patch(i.customer_note),
            locale: patch(i.locale),
            billing_address: patch_address(i.billing_address),
            shipping_address: patch_address(i.shipping_address),
            line_items: i.line_items.map(|l| {
                l.into_iter()
                    .map(|x| LineSet {
                        variant_id: x.variant_id.0,
                        quantity: x.quantity,
                        metadata: x.metadata.map(|j| j.0),
                    })
                    .collect()
            }),
        }
    }
}

/// A variant to add to an order.
#[derive(InputObject)]
pub struct OrderLineItemInput {
    /// The variant (`variant_…`).
    pub variant_id: ID,
    /// 1–100,000 units; added to the line when the variant is already on the order.
    pub quantity: i32,
    /// A JSON object (at most 16 KiB) merged into the line's metadata.
    pub metadata: Option<async_graphql::Json<serde_json::Value>>,
}

impl From<OrderLineItemInput> for LineInput {
    fn from(i: OrderLineItemInput) -> Self {
        LineInput {
            variant_id: i.variant_id.0,
            quantity: i.quantity,
            metadata: i.metadata.map(|j| j.0),
        }
    }
}

/// A new quantity for a line of an order.
#[derive(InputObject)]
pub struct OrderLineItemUpdateInput {
    /// The line item (`li_…`).
    pub id: ID,
    /// 1–100,000 units (remove a line with `orderLineItemsRemove`).
    pub quantity: i32,
    /// A JSON object (at most 16 KiB) merged into the line's metadata.
    pub metadata: Option<async_graphql::Json<serde_json::Value>>,
}

/// The line a variant should have on a draft (`orderUpdate`'s `lineItems`).
#[derive(InputObject)]
pub struct OrderLineItemSetInput {
    /// The variant (`variant_…`), at most once per request.
    pub variant_id: ID,
    /// 0–100,000 units: the line's new quantity; 0 removes the variant's line.
    pub quantity: i32,
    /// A JSON object (at most 16 KiB) merged into the line's metadata.
    pub metadata: Option<async_graphql::Json<serde_json::Value>>,
}

/// Result of an order mutation.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct OrderPayload {
    /// The order after the change (null when refused).
    pub order: Option<Order>,
    /// Why the mutation was refused, each naming its field path and a stable code.
    pub user_errors: Vec<UserError>,
}

/// Result of `orderDelete`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct OrderDeletePayload {
    /// ID of the deleted draft (null when refused).
    pub deleted_id: Option<ID>,
    /// Why the mutation was refused.
    pub user_errors: Vec<UserError>,
}

fn single(result: std::result::Result<i64, Vec<FieldError>>) -> Outcome {
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

async fn payload(ctx: &Context<'_>, args: &Arguments, outcome: Outcome) -> GqlResult<OrderPayload> {
    let order = match outcome.written().first() {
        Some(&id) => loaders::load::<Row>(ctx, id).await?.map(Order),
        None => None,
    };
    Ok(OrderPayload {
        order,
        user_errors: outcome.user_errors(args),
    })
}

/// What identifies a request for its idempotency key: the operation's arguments.
fn hash_of(args: impl Serialize) -> serde_json::Value {
    serde_json::to_value(args).unwrap_or_default()
}

async fn transition(
    ctx: &Context<'_>,
    name: &'static str,
    order_id: ID,
    t: Transition,
    expected: Option<DateTime<Utc>>,
    key: Option<String>,
) -> GqlResult<OrderPayload> {
    let m = merchant_id(ctx)?;
    let hash = hash_of((&order_id.0, expected));
    let outcome = run(ctx, &ORDER_ARGS, name, key.as_deref(), &hash, move |c| {
        Box::pin(async move {
            Ok(single(
                transitions::run(c, m, &order_id, t, expected).await?,
            ))
        })
    })
    .await?;
    payload(ctx, &ORDER_ARGS, outcome).await
}

/// `orderCreate(input:, idempotencyKey:)`.
const CREATE_ARGS: Arguments = Arguments::new("input", &["idempotency_key"]);
/// `orderUpdate(orderId:, input:, expectedUpdatedAt:, idempotencyKey:)`.
const UPDATE_ARGS: Arguments = Arguments::new(
    "input",
    &["order_id", EXPECTED_UPDATED_AT, "idempotency_key"],
);
/// `orderLineItemsAdd(orderId:, lineItems:, expectedUpdatedAt:, idempotencyKey:)` and
/// `orderLineItemsUpdate(…)`.
const LINE_ITEM_ARGS: Arguments = Arguments::new(
    "lineItems",
    &["order_id", EXPECTED_UPDATED_AT, "idempotency_key"],
);
/// `orderLineItemsRemove(orderId:, lineItemIds:, expectedUpdatedAt:, idempotencyKey:)`.
const LINE_ITEM_IDS_ARGS: Arguments = Arguments::new(
    "lineItemIds",
    &["order_id", EXPECTED_UPDATED_AT, "idempotency_key"],
);
/// `orderApplyCouponCode(orderId:, code:, expectedUpdatedAt:, idempotencyKey:)`.
const COUPON_ARGS: Arguments =
    Arguments::scalars(&["order_id", "code", EXPECTED_UPDATED_AT, "idempotency_key"]);
/// `orderRemoveCouponCode`, `orderComplete`, `orderCancel`, `orderApprove`, `orderResume` and
/// `orderDelete`: `(orderId:, expectedUpdatedAt:, idempotencyKey:)`.
const ORDER_ARGS: Arguments =
    Arguments::scalars(&["order_id", EXPECTED_UPDATED_AT, "idempotency_key"]);

#[derive(Default)]
pub struct OrderMutation;

#[Object]
impl OrderMutation {
    /// Creates a draft order, optionally with its first line items priced from the price book,
    /// its addresses and a coupon code, in one transaction.
    #[graphql(guard = "RequireScope(Scope::OrdersWrite)")]
    async fn order_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft to create.")] input: OrderCreateInput,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<OrderPayload> {
        let m = merchant_id(ctx)?;
        let input: OrderCreate = input.into();
        let hash = hash_of(&input);
        let outcome = run(
            ctx,
            &CREATE_ARGS,
            "orderCreate",
            idempotency_key.as_deref(),
            &hash,
            move |c| Box::pin(async move { Ok(single(commands::create(c, m, &input).await?)) }),
        )
        .await?;
        payload(ctx, &CREATE_ARGS, outcome).await
    }

    /// Changes an order's email, notes, customer note, locale, addresses, metadata, store or
    /// external id (any status), or the customer, channel, delivery charge or lines of a draft
    /// (whose lines are then priced again and totals recomputed; ORDER_NOT_EDITABLE on a placed
    /// order), in one transaction: nothing is written when anything is refused.
    #[graphql(guard = "RequireScope(Scope::OrdersWrite)")]
    async fn order_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order (`or_…`).")] order_id: ID,
        #[graphql(desc = "The changes.")] input: OrderUpdateInput,
        #[graphql(desc = "Refuse with CONFLICT if the order changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<OrderPayload> {
        let m = merchant_id(ctx)?;
        let input: OrderUpdate = input.into();
        let hash = hash_of((&order_id.0, &input, expected_updated_at));
        let outcome = run(
            ctx,
            &UPDATE_ARGS,
            "orderUpdate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(single(
                        commands::update(c, m, &order_id, &input, expected_updated_at).await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &UPDATE_ARGS, outcome).await
    }

    /// Adds variants to a draft order; a variant already on it gets its quantity increased.
    /// Every line is priced again (one statement) and promotions and totals are recomputed.
    #[graphql(guard = "RequireScope(Scope::OrdersWrite)")]
    async fn order_line_items_add(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft order (`or_…`).")] order_id: ID,
        #[graphql(desc = "Variants and quantities, at most 1,000.")] line_items: Vec<
            OrderLineItemInput,
        >,
        #[graphql(desc = "Refuse with CONFLICT if the order changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<OrderPayload> {
        let m = merchant_id(ctx)?;
        let items: Vec<LineInput> = line_items.into_iter().map(Into::into).collect();
        let hash = hash_of((&order_id.0, &items, expected_updated_at));
        let outcome = run(
            ctx,
            &LINE_ITEM_ARGS,
            "orderLineItemsAdd",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(single(
                        commands::add_lines(c, m, &order_id, &items, expected_updated_at).await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &LINE_ITEM_ARGS, outcome).await
    }

    /// Sets the quantity of line items of a draft order; prices, promotions and totals are
    /// recomputed.
    #[graphql(guard = "RequireScope(Scope::OrdersWrite)")]
    async fn order_line_items_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft order (`or_…`).")] order_id: ID,
        #[graphql(desc = "Lines and their new quantities, at most 1,000.")] line_items: Vec<
            OrderLineItemUpdateInput,
        >,
        #[graphql(desc = "Refuse with CONFLICT if the order changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<OrderPayload> {
        let m = merchant_id(ctx)?;
        let items: Vec<LineChange> = line_items
            .into_iter()
            .map(|i| LineChange {
                id: i.id.0,
                quantity: i.quantity,
                metadata: i.metadata.map(|j| j.0),
            })
            .collect();
        let hash = hash_of((&order_id.0, &items, expected_updated_at));
        let outcome = run(
            ctx,
            &LINE_ITEM_ARGS,
            "orderLineItemsUpdate",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(single(
                        commands::update_lines(c, m, &order_id, &items, expected_updated_at)
                            .await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &LINE_ITEM_ARGS, outcome).await
    }

    /// Removes line items from a draft order; promotions and totals are recomputed.
    #[graphql(guard = "RequireScope(Scope::OrdersWrite)")]
    async fn order_line_items_remove(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft order (`or_…`).")] order_id: ID,
        #[graphql(desc = "Line items (`li_…`) of the order, at most 1,000.")] line_item_ids: Vec<
            ID,
        >,
        #[graphql(desc = "Refuse with CONFLICT if the order changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<OrderPayload> {
        let m = merchant_id(ctx)?;
        let line_ids: Vec<String> = line_item_ids.into_iter().map(|i| i.0).collect();
        let hash = hash_of((&order_id.0, &line_ids, expected_updated_at));
        let outcome = run(
            ctx,
            &LINE_ITEM_IDS_ARGS,
            "orderLineItemsRemove",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(single(
                        commands::remove_lines(c, m, &order_id, &line_ids, expected_updated_at)
                            .await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &LINE_ITEM_IDS_ARGS, outcome).await
    }

    /// Applies a coupon code to a draft order (replacing its code, if any). A code that does
    /// not apply is refused with the reason as the code: NOT_FOUND, NOT_STARTED, EXPIRED,
    /// USAGE_LIMIT_REACHED or RULES_NOT_MET; nothing is written then.
    #[graphql(guard = "RequireScope(Scope::OrdersWrite)")]
    async fn order_apply_coupon_code(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft order (`or_…`).")] order_id: ID,
        #[graphql(desc = "The coupon code as the buyer typed it (case-insensitive).")] code: String,
        #[graphql(desc = "Refuse with CONFLICT if the order changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<OrderPayload> {
        let m = merchant_id(ctx)?;
        let hash = hash_of((&order_id.0, &code, expected_updated_at));
        let outcome = run(
            ctx,
            &COUPON_ARGS,
            "orderApplyCouponCode",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(single(
                        commands::apply_coupon(c, m, &order_id, &code, expected_updated_at).await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &COUPON_ARGS, outcome).await
    }

    /// Removes the coupon code of a draft order; promotions and totals are recomputed.
    #[graphql(guard = "RequireScope(Scope::OrdersWrite)")]
    async fn order_remove_coupon_code(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft order (`or_…`).")] order_id: ID,
        #[graphql(desc = "Refuse with CONFLICT if the order changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<OrderPayload> {
        let m = merchant_id(ctx)?;
        let hash = hash_of((&order_id.0, expected_updated_at));
        let outcome = run(
            ctx,
            &ORDER_ARGS,
            "orderRemoveCouponCode",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(single(
                        commands::remove_coupon(c, m, &order_id, expected_updated_at).await?,
                    ))
                })
            },
        )
        .await?;
        payload(ctx, &ORDER_ARGS, outcome).await
    }

    /// Places a draft order (draft → complete). Refused with EMPTY_ORDER without line items,
    /// MISSING_EMAIL without an email or customer, or the coupon's reason when its code no
    /// longer applies; INVALID_TRANSITION from any other status.
    #[graphql(guard = "RequireScope(Scope::OrdersWrite)")]
    async fn order_complete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft order (`or_…`).")] order_id: ID,
        #[graphql(desc = "Refuse with CONFLICT if the order changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<OrderPayload> {
        transition(
            ctx,
            "orderComplete",
            order_id,
            Transition::Complete,
            expected_updated_at,
            idempotency_key,
        )
        .await
    }

    /// Cancels a placed order (complete → canceled) and gives its coupon use back. Refused with
    /// ORDER_FULFILLED once anything was fulfilled; INVALID_TRANSITION from any other status
    /// (drafts are deleted with `orderDelete`).
    #[graphql(guard = "RequireScope(Scope::OrdersWrite)")]
    async fn order_cancel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The complete order (`or_…`).")] order_id: ID,
        #[graphql(desc = "Refuse with CONFLICT if the order changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<OrderPayload> {
        transition(
            ctx,
            "orderCancel",
            order_id,
            Transition::Cancel,
            expected_updated_at,
            idempotency_key,
        )
        .await
    }

    /// Approves a placed order (sets `approvedAt`, once: ALREADY_APPROVED after that).
    #[graphql(guard = "RequireScope(Scope::OrdersWrite)")]
    async fn order_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The complete order (`or_…`).")] order_id: ID,
        #[graphql(desc = "Refuse with CONFLICT if the order changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<OrderPayload> {
        transition(
            ctx,
            "orderApprove",
            order_id,
            Transition::Approve,
            expected_updated_at,
            idempotency_key,
        )
        .await
    }

    /// Places a canceled order again (canceled → complete) and counts its coupon use again.
    #[graphql(guard = "RequireScope(Scope::OrdersWrite)")]
    async fn order_resume(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The canceled order (`or_…`).")] order_id: ID,
        #[graphql(desc = "Refuse with CONFLICT if the order changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<OrderPayload> {
        transition(
            ctx,
            "orderResume",
            order_id,
            Transition::Resume,
            expected_updated_at,
            idempotency_key,
        )
        .await
    }

    /// Deletes a draft order with its lines. Placed orders are canceled instead
    /// (ORDER_NOT_EDITABLE).
    #[graphql(guard = "RequireScope(Scope::OrdersWrite)")]
    async fn order_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft order (`or_…`).")] order_id: ID,
        #[graphql(desc = "Refuse with CONFLICT if the order changed after this time.")]
        expected_updated_at: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Retrying with the same key returns the first result without writing again."
        )]
        idempotency_key: Option<String>,
    ) -> GqlResult<OrderDeletePayload> {
        let m = merchant_id(ctx)?;
        let hash = hash_of((&order_id.0, expected_updated_at));
        let outcome = run(
            ctx,
            &ORDER_ARGS,
            "orderDelete",
            idempotency_key.as_deref(),
            &hash,
            move |c| {
                Box::pin(async move {
                    Ok(single(
                        commands::delete(c, m, &order_id, expected_updated_at).await?,
                    ))
                })
            },
        )
        .await?;
        Ok(OrderDeletePayload {
            deleted_id: outcome
                .written()
                .first()
                .map(|&k| ID(ids::encode(Kind::Order, k))),
            user_errors: outcome.user_errors(&ORDER_ARGS),
        })
    }
}
