use async_graphql::{Context, Enum, InputObject, Object, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::catalog::Variant;
use super::channels::Channel;
use super::customers::Customer;
use super::money;
use super::promotion::{CouponCode, Promotion};
use super::stores::Store;
use crate::domain::orders as d;
use crate::graphql::errors::{bad_input, GqlResult};
use crate::graphql::filters::SortDirection;
use crate::graphql::guards::EdgeScope;
use crate::graphql::loaders;
use crate::ids::{self, Kind};

/// Where an order is in its life.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum OrderStatus {
    /// Being built; not yet placed.
    Draft,
    /// Placed.
    Complete,
    /// Canceled after it was placed.
    Canceled,
    /// Returned after it was placed.
    Returned,
}

impl OrderStatus {
    pub fn as_db(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::Complete => "complete",
            OrderStatus::Canceled => "canceled",
            OrderStatus::Returned => "returned",
        }
    }

    pub fn from_db(s: &str) -> Self {
        match s {
            "complete" => OrderStatus::Complete,
            "canceled" => OrderStatus::Canceled,
            "returned" => OrderStatus::Returned,
            _ => OrderStatus::Draft,
        }
    }
}

/// An order placed through any channel or store.
pub struct Order(pub d::Order);

/// An order (`or_…`) placed through a channel or store, or a draft being built; every amount is in `currency`.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Order {
    /// Public ID (`or_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::Order, self.0.id))
    }
    /// Human-facing order number, unique per merchant.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Where the order is in its life (DRAFT, COMPLETE, CANCELED or RETURNED).
    async fn status(&self) -> OrderStatus {
        OrderStatus::from_db(&self.0.status)
    }
    /// pending, paid, partially_paid, refunded, void or failed.
    async fn payment_status(&self) -> &str {
        &self.0.payment_status
    }
    /// unfulfilled, partial, fulfilled or canceled.
    async fn fulfillment_status(&self) -> &str {
        &self.0.fulfillment_status
    }
    /// Contact email of the order.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// ISO 4217 currency of every amount of the order.
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// Number of units across line items.
    async fn item_count(&self) -> i32 {
        self.0.item_count
    }
    /// Sum of line item totals before order-level discounts.
    async fn item_total(&self) -> Decimal {
        money(self.0.item_total)
    }
    /// Sum of discounts.
    async fn discount_total(&self) -> Decimal {
        money(self.0.discount_total)
    }
    /// Tax in `currency`. Not computed by this service: orders created through the API keep 0.
    async fn tax_total(&self) -> Decimal {
        money(self.0.tax_total)
    }
    /// Delivery charge in `currency`, before promotions (a free delivery is counted in `discountTotal`).
    async fn delivery_total(&self) -> Decimal {
        money(self.0.delivery_total)
    }
    /// Amount due: items − discounts + tax + delivery.
    async fn total(&self) -> Decimal {
        money(self.0.total)
    }
    /// The order's identifier in a legacy system.
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }
    /// Staff notes, free text of at most 5,000 characters.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// The buyer's note, shown to them (unlike `notes`), at most 5,000 characters.
    async fn customer_note(&self) -> Option<&str> {
        self.0.customer_note.as_deref()
    }
    /// The buyer's language (`en`, `en-US`); null when the order was not given one.
    async fn locale(&self) -> Option<&str> {
        self.0.locale.as_deref()
    }
    /// Where the order is billed: a copy of the address given, kept as it was whatever
    /// happens to the customer's address book; null when none was given.
    async fn billing_address(&self, ctx: &Context<'_>) -> GqlResult<Option<OrderAddress>> {
        self.address(ctx, "billing").await
    }
    /// Where the order is delivered (a copy, as `billingAddress`); null when none was given.
    async fn shipping_address(&self, ctx: &Context<'_>) -> GqlResult<Option<OrderAddress>> {
        self.address(ctx, "shipping").await
    }
    /// Arbitrary key/value data attached by integrations.
    async fn metadata(&self) -> &serde_json::Value {
        &self.0.metadata
    }
    /// The coupon code applied to the order, if any (requires `promotions:read`).
    async fn coupon_code(&self, ctx: &Context<'_>) -> GqlResult<Option<CouponCode>> {
        Ok(loaders::load_opt(ctx, self.0.coupon_code_id)
            .await?
            .map(CouponCode))
    }
    /// When the order (as a draft) was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the order last changed; send it back as `expectedUpdatedAt` to refuse a mutation that would overwrite a newer change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// When the order was placed.
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }
    /// When the order was canceled; null unless its status is CANCELED (`orderResume` clears it).
    async fn canceled_at(&self) -> Option<DateTime<Utc>> {
        self.0.canceled_at
    }
    /// When staff approved the placed order (`orderApprove`, once); null until then.
    async fn approved_at(&self) -> Option<DateTime<Utc>> {
        self.0.approved_at
    }
    /// The buyer's ID (`cus_…`), null for a guest: readable with `orders:read` alone, as the
    /// order's own reference (the buyer itself, `customer`, needs `customers:read`).
    async fn customer_id(&self) -> Option<ID> {
        self.0
            .customer_id
            .map(|k| ID(ids::encode(Kind::Customer, k)))
    }
    /// The store's ID (`st_…`), null when none; the store itself (`store`) needs `stores:read`.
    async fn store_id(&self) -> Option<ID> {
        self.0.store_id.map(|k| ID(ids::encode(Kind::Store, k)))
    }
    /// The channel's ID (`ch_…`), null when none; the channel itself (`channel`) needs
    /// `stores:read`.
    async fn channel_id(&self) -> Option<ID> {
        self.0.channel_id.map(|k| ID(ids::encode(Kind::Channel, k)))
    }
    /// The buyer, if known (requires `customers:read`).
    async fn customer(&self, ctx: &Context<'_>) -> GqlResult<Option<Customer>> {
        Ok(loaders::load_opt(ctx, self.0.customer_id)
            .await?
            .map(Customer))
    }
    /// The store that took or fulfils the order (requires `stores:read`).
    async fn store(&self, ctx: &Context<'_>) -> GqlResult<Option<Store>> {
        Ok(loaders::load_opt(ctx, self.0.store_id).await?.map(Store))
    }
    /// The sales channel the order came through (requires `stores:read`).
    async fn channel(&self, ctx: &Context<'_>) -> GqlResult<Option<Channel>> {
        Ok(loaders::load_opt(ctx, self.0.channel_id)
            .await?
            .map(Channel))
    }
    /// What was bought, oldest first unless `sort` says otherwise; `offset` and `first` take a
    /// page of it (an order holds at most 1,000 lines; `lineItemCount` counts them all).
    async fn line_items(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort order: one key or a list of up to 4 distinct keys, most \
                          significant first; ties are broken by ID in the last key's direction.")]
        sort: Option<Vec<LineItemSort>>,
        #[graphql(desc = "Lines to skip first, 0 to 1,000.")] offset: Option<i32>,
        #[graphql(desc = "Most lines to return, 1 to 1,000 (default: all).")] first: Option<i32>,
    ) -> GqlResult<Vec<LineItem>> {
        let mut lines = loaders::children::<d::LineItem>(ctx, self.0.id).await?;
        if let Some(keys) = sort.filter(|k| !k.is_empty()) {
            sort_lines(&mut lines, &keys)?;
        }
        let skip = match offset {
            Some(o) if !(0..=1000).contains(&o) => {
                return Err(bad_input("offset", "must be between 0 and 1000"))
            }
            Some(o) => o as usize,
            None => 0,
        };
        let take = match first {
            Some(n) if !(1..=1000).contains(&n) => {
                return Err(bad_input("first", "must be between 1 and 1000"))
            }
            Some(n) => n as usize,
            None => usize::MAX,
        };
        Ok(lines
            .into_iter()
            .skip(skip)
            .take(take)
            .map(LineItem)
            .collect())
    }
    /// Number of line items (lines, not units: see `itemCount`).
    async fn line_item_count(&self, ctx: &Context<'_>) -> GqlResult<i32> {
        let lines = loaders::children::<d::LineItem>(ctx, self.0.id).await?;
        Ok(i32::try_from(lines.len()).unwrap_or(i32::MAX))
    }
    /// Payments taken or attempted.
    async fn payments(&self, ctx: &Context<'_>) -> GqlResult<Vec<Payment>> {
        Ok(loaders::children::<d::Payment>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(|p| Payment(p, self.0.currency.clone()))
            .collect())
    }
    /// Deliveries and pickups.
    async fn fulfillments(&self, ctx: &Context<'_>) -> GqlResult<Vec<Fulfillment>> {
        Ok(loaders::children::<d::Fulfillment>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(|f| Fulfillment(f, self.0.currency.clone()))
            .collect())
    }
    /// Discounts applied, with the promotion that gave each.
    async fn discounts(&self, ctx: &Context<'_>) -> GqlResult<Vec<Discount>> {
        Ok(loaders::children::<d::Adjustment>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Discount)
            .collect())
    }
}

impl Order {
    async fn address(&self, ctx: &Context<'_>, kind: &str) -> GqlResult<Option<OrderAddress>> {
        Ok(loaders::children::<d::OrderAddress>(ctx, self.0.id)
            .await?
            .into_iter()
            .find(|a| a.kind == kind)
            .map(OrderAddress))
    }
}

/// What an order's line items are sorted by.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum LineItemSortField {
    /// When the line was added.
    CreatedAt,
    /// When the line last changed.
    UpdatedAt,
    /// Units.
    Quantity,
    /// Unit price.
    Price,
    /// quantity × price.
    Total,
}

/// One key of the order of an order's line items.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct LineItemSort {
    /// The field sorted by.
    pub field: LineItemSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Sorts `lines` by `keys` (then by ID in the last key's direction); at most 4 distinct keys.
fn sort_lines(lines: &mut [d::LineItem], keys: &[LineItemSort]) -> GqlResult<()> {
    if keys.len() > 4 {
        return Err(bad_input("sort", "at most 4 keys"));
    }
    for (i, k) in keys.iter().enumerate() {
        if keys[..i].iter().any(|o| o.field == k.field) {
            return Err(bad_input("sort", format!("{:?} is given twice", k.field)));
        }
    }
    let last_desc = keys.last().is_some_and(|k| k.direction.is_descending());
    lines.sort_by(|a, b| {
        keys.iter()
            .map(|k| {
                let o = match k.field {
                    LineItemSortField::CreatedAt => a.created_at.cmp(&b.created_at),
                    LineItemSortField::UpdatedAt => a.updated_at.cmp(&b.updated_at),
                    LineItemSortField::Quantity => a.quantity.cmp(&b.quantity),
                    LineItemSortField::Price => a.price.cmp(&b.price),
                    LineItemSortField::Total => a.total.cmp(&b.total),
                };
                if k.direction.is_descending() {
                    o.reverse()
                } else {
                    o
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or_else(|| {
                let o = a.id.cmp(&b.id);
                if last_desc {
                    o.reverse()
                } else {
                    o
                }
            })
    });
    Ok(())
}

/// A billing or shipping address of an order.
pub struct OrderAddress(pub d::OrderAddress);

/// A billing or shipping address of an order (`addr_…`): a copy made when it was given, which
/// later changes of the customer's address book do not reach.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl OrderAddress {
    /// Public ID (`addr_…`; order and customer addresses never share one).
    async fn id(&self) -> ID {
        ID(ids::encode(Kind::Address, self.0.id))
    }
    /// Recipient's given name, at most 100 characters.
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }
    /// Recipient's family name, at most 100 characters.
    async fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }
    /// Company name, at most 100 characters.
    async fn company(&self) -> Option<&str> {
        self.0.company.as_deref()
    }
    /// First address line (street and number), 1–255 characters.
    async fn address1(&self) -> &str {
        &self.0.address1
    }
    /// Second address line (apartment, floor…), at most 255 characters.
    async fn address2(&self) -> Option<&str> {
        self.0.address2.as_deref()
    }
    /// City, 1–100 characters.
    async fn city(&self) -> &str {
        &self.0.city
    }
    /// Postal code as entered, at most 20 characters.
    async fn zipcode(&self) -> Option<&str> {
        self.0.zipcode.as_deref()
    }
    /// State or province, as entered (name or abbreviation).
    async fn state_name(&self) -> Option<&str> {
        self.0.state_name.as_deref()
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country_code(&self) -> &str {
        &self.0.country_code
    }
    /// Contact phone for this address, at most 32 characters.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// When the address was given to the order.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the address last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// One variant bought in an order, with its quantity and price.
pub struct LineItem(pub d::LineItem);

/// One variant bought in an order (`li_…`), with its quantity and unit price in the order's currency.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl LineItem {
    /// Public ID (`li_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::LineItem, self.0.id))
    }
    /// Units bought, 1–100,000.
    async fn quantity(&self) -> i32 {
        self.0.quantity
    }
    /// Unit price.
    async fn price(&self) -> Decimal {
        money(self.0.price)
    }
    /// Discounts applied to this line.
    async fn discount_total(&self) -> Decimal {
        money(self.0.discount_total)
    }
    /// quantity × price.
    async fn total(&self) -> Decimal {
        money(self.0.total)
    }
    /// Free key/value data of the line (a JSON object), e.g. gift wrapping.
    async fn metadata(&self) -> &serde_json::Value {
        &self.0.metadata
    }
    /// The variant's ID (`variant_…`): readable with `orders:read` alone (the variant itself,
    /// `variant`, needs `catalog:read`).
    async fn variant_id(&self) -> ID {
        ID(ids::encode(Kind::Variant, self.0.variant_id))
    }
    /// When the line was added to its order.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the line last changed (its quantity, or its price or discounts when the draft was
    /// priced again).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The order this line belongs to.
    async fn order(&self, ctx: &Context<'_>) -> GqlResult<Option<Order>> {
        Ok(loaders::load(ctx, self.0.order_id).await?.map(Order))
    }
    /// The variant bought, loaded together with its product (requires `catalog:read`).
    async fn variant(&self, ctx: &Context<'_>) -> GqlResult<Option<Variant>> {
        // Loaded with its product in one join: line items almost always show both.
        let found = loaders::via::<loaders::VariantWithProduct, _>(ctx, self.0.variant_id).await?;
        Ok(found.map(|(row, product)| Variant {
            row,
            product: Some(product),
        }))
    }
}

/// A payment of an order.
/// A payment with its order's currency (the order loaded it).
pub struct Payment(pub d::Payment, pub String);

/// A payment taken or attempted for an order (`pay_…`).
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Payment {
    /// Public ID (`pay_…`).
    async fn id(&self) -> ID {
        ID(ids::encode(Kind::Payment, self.0.id))
    }
    /// CREDIT, DEBIT, CASH, BANK_TRANSFER, STORE_CREDIT or OTHER.
    async fn method(&self) -> &str {
        &self.0.method
    }
    /// pending, processing, completed, failed, void or refunded.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// The order's currency (ISO 4217), which `amount` is in.
    async fn currency(&self) -> &str {
        &self.1
    }
    /// Amount in the order's currency.
    async fn amount(&self) -> Decimal {
        money(self.0.amount)
    }
    /// Processor reference.
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    /// The order paid (`or_…`).
    async fn order_id(&self) -> ID {
        ID(ids::encode(Kind::Order, self.0.order_id))
    }
    /// The order paid.
    async fn order(&self, ctx: &Context<'_>) -> GqlResult<Option<Order>> {
        Ok(loaders::load(ctx, self.0.order_id).await?.map(Order))
    }
    /// When the payment was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the payment last changed (its status).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A delivery or pickup of an order.
/// A fulfillment with its order's currency (the order loaded it).
pub struct Fulfillment(pub d::Fulfillment, pub String);

/// A delivery or pickup of an order (`ful_…`).
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Fulfillment {
    /// Public ID (`ful_…`).
    async fn id(&self) -> ID {
        ID(ids::encode(Kind::Fulfillment, self.0.id))
    }
    /// DELIVERY, PICKUP…
    #[graphql(name = "type")]
    async fn fulfillment_type(&self) -> &str {
        &self.0.fulfillment_type
    }
    /// pending, ready, shipped, delivered or canceled.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// Carrier tracking number, at most 100 characters; null when there is none.
    async fn tracking_number(&self) -> Option<&str> {
        self.0.tracking_number.as_deref()
    }
    /// When the fulfillment was carried out; null until then.
    async fn fulfilled_at(&self) -> Option<DateTime<Utc>> {
        self.0.fulfilled_at
    }
    /// The order's currency (ISO 4217).
    async fn currency(&self) -> &str {
        &self.1
    }
    /// The order fulfilled (`or_…`).
    async fn order_id(&self) -> ID {
        ID(ids::encode(Kind::Order, self.0.order_id))
    }
    /// The order fulfilled.
    async fn order(&self, ctx: &Context<'_>) -> GqlResult<Option<Order>> {
        Ok(loaders::load(ctx, self.0.order_id).await?.map(Order))
    }
    /// When the fulfillment was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the fulfillment last changed (its status or tracking number).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A discount on an order or one of its lines.
pub struct Discount(pub d::Adjustment);

/// A discount (`adj_…`) a promotion gave an order or one of its lines, in the order's currency.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Discount {
    /// Public ID (`adj_…`).
    async fn id(&self) -> ID {
        ID(ids::encode(Kind::Adjustment, self.0.id))
    }
    /// Label shown on the order: the promotion's name when the discount was given (kept if the promotion is deleted).
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// Amount taken off (positive).
    async fn amount(&self) -> Decimal {
        money(self.0.amount)
    }
    /// When the discount was given. Discounts are never edited (a draft priced again gets new
    /// ones), so this is also `updatedAt`.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Same as `createdAt`: a discount does not change once given.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The promotion's ID (`promo_…`), null once the promotion is deleted; the promotion itself
    /// (`promotion`) needs `promotions:read`.
    async fn promotion_id(&self) -> Option<ID> {
        self.0
            .promotion_id
            .map(|k| ID(ids::encode(Kind::Promotion, k)))
    }
    /// The order it was given on.
    async fn order(&self, ctx: &Context<'_>) -> GqlResult<Option<Order>> {
        Ok(loaders::load(ctx, self.0.order_id).await?.map(Order))
    }
    /// The line it applies to; null for an order-level discount.
    async fn line_item(&self, ctx: &Context<'_>) -> GqlResult<Option<LineItem>> {
        Ok(loaders::load_opt(ctx, self.0.line_item_id)
            .await?
            .map(LineItem))
    }
    /// The promotion that gave the discount (requires `promotions:read`).
    async fn promotion(&self, ctx: &Context<'_>) -> GqlResult<Option<Promotion>> {
        Ok(loaders::load_opt(ctx, self.0.promotion_id)
            .await?
            .map(Promotion))
    }
    /// The coupon code used, if any (requires `promotions:read`).
    async fn coupon_code(&self, ctx: &Context<'_>) -> GqlResult<Option<CouponCode>> {
        Ok(loaders::load_opt(ctx, self.0.coupon_code_id)
            .await?
            .map(CouponCode))
    }
}
