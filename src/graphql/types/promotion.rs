use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::catalog::Product;
use super::customer_groups::CustomerGroup;
use super::customers::Customer;
use super::money;
use super::page_size;
use crate::domain::{catalog as dcat, customers as dc, promotions as d};
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::EdgeScope;
use crate::graphql::loaders;
use crate::ids::{self, Kind};

fn id_list(kind: Kind, keys: &[i64]) -> Vec<ID> {
    keys.iter().map(|k| ID(ids::encode(kind, *k))).collect()
}

/// A discount campaign, automatic or unlocked by a coupon code.
pub struct Promotion(pub d::Promotion);

/// A discount campaign (`promo_…`), automatic or unlocked by a coupon code.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Promotion {
    /// Public ID (`promo_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::Promotion, self.0.id))
    }
    /// Name, 1–255 characters; also the label of the discounts it gives.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Description for staff, at most 1,000 characters; null when none.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// coupon_code or automatic.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// Start of the window (inclusive); null: no start limit.
    async fn starts_at(&self) -> Option<DateTime<Utc>> {
        self.0.starts_at
    }
    /// End of the window (exclusive), after `startsAt`; null: never expires.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    /// Most orders that may use it; null for unlimited.
    async fn usage_limit(&self) -> Option<i32> {
        self.0.usage_limit
    }
    /// Distinct orders of any status (drafts and canceled ones included) holding a discount from
    /// it; `usageLimit` counts only complete orders.
    async fn usage_count(&self, ctx: &Context<'_>) -> GqlResult<i64> {
        Ok(
            loaders::via::<loaders::PromotionUsageLoader, _>(ctx, self.0.id)
                .await?
                .unwrap_or(0),
        )
    }
    /// `all`: every rule must match; `any`: one is enough.
    async fn match_policy(&self) -> &str {
        &self.0.match_policy
    }
    /// Whether the promotion uses a batch of generated codes.
    async fn multi_codes(&self) -> bool {
        self.0.multi_codes
    }
    /// multiCodes: prefix of the generated codes (`<codePrefix><random>`, the last prefix used), `[A-Za-z0-9_-]{1,32}`; null otherwise.
    async fn code_prefix(&self) -> Option<&str> {
        self.0.code_prefix.as_deref()
    }
    /// multiCodes: how many codes the promotion has (1–100,000); null otherwise.
    async fn number_of_codes(&self) -> Option<i32> {
        self.0.number_of_codes
    }
    /// Whether it can apply now (inside its window).
    async fn active(&self) -> bool {
        let now = Utc::now();
        self.0.starts_at.is_none_or(|s| s <= now) && self.0.expires_at.is_none_or(|e| now < e)
    }
    /// When the promotion was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the promotion last changed; send it back as `expectedUpdatedAt` to refuse an update that would overwrite a newer change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Conditions an order must meet.
    async fn rules(&self, ctx: &Context<'_>) -> GqlResult<Vec<PromotionRule>> {
        Ok(loaders::children::<d::PromotionRule>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(PromotionRule)
            .collect())
    }
    /// What the promotion gives.
    async fn actions(&self, ctx: &Context<'_>) -> GqlResult<Vec<PromotionAction>> {
        Ok(loaders::children::<d::PromotionAction>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(PromotionAction)
            .collect())
    }
    /// Its coupon codes (the first `first`, oldest first).
    /// To page through all of them, use `couponCodes(filter: { promotionId: { eq: … } })` at the root.
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 250) as usize * child_complexity")]
    async fn coupon_codes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1 to 250.", default = 50)] first: Option<i32>,
    ) -> GqlResult<Vec<CouponCode>> {
        let n = page_size(first, 50)?;
        Ok(loaders::top_children::<d::CouponCode>(ctx, self.0.id, n)
            .await?
            .into_iter()
            .map(CouponCode)
            .collect())
    }
}

/// A condition of a promotion.
pub struct PromotionRule(pub d::PromotionRule);

/// A condition (`prr_…`) an order must meet for its promotion to apply; `kind` says which fields are used.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl PromotionRule {
    /// Public ID (`prr_…`).
    async fn id(&self) -> ID {
        ID(ids::encode(Kind::PromotionRule, self.0.id))
    }
    /// item_total, product, customer, customer_group, first_order or currency.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// item_total: smallest qualifying item total.
    async fn amount_min(&self) -> Option<Decimal> {
        self.0.amount_min.map(money)
    }
    /// item_total: largest qualifying item total.
    async fn amount_max(&self) -> Option<Decimal> {
        self.0.amount_max.map(money)
    }
    /// product rules: any, all or none of the products.
    async fn match_policy(&self) -> Option<&str> {
        self.0.match_policy.as_deref()
    }
    /// currency rules: the ISO 4217 currency the order must be in; null for other kinds.
    async fn currency(&self) -> Option<&str> {
        self.0.currency.as_deref()
    }
    /// The promotion it belongs to (`promo_…`).
    async fn promotion_id(&self) -> ID {
        ID(ids::encode(Kind::Promotion, self.0.promotion_id))
    }
    /// product rules: the products' IDs (`prod_…`), in the order given (deleted products drop
    /// out); empty for other kinds.
    async fn product_ids(&self) -> Vec<ID> {
        id_list(Kind::Product, &self.0.product_ids)
    }
    /// customer rules: the customers' IDs (`cus_…`); empty for other kinds.
    async fn customer_ids(&self) -> Vec<ID> {
        id_list(Kind::Customer, &self.0.customer_ids)
    }
    /// customer_group rules: the groups' IDs (`cg_…`); empty for other kinds.
    async fn customer_group_ids(&self) -> Vec<ID> {
        id_list(Kind::CustomerGroup, &self.0.customer_group_ids)
    }
    /// When the rule was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the rule last changed (its fields, or a referenced row deleted).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// product rules: the products it matches (deleted products drop out); empty for other kinds
    /// (requires `catalog:read`).
    async fn products(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Product>>> {
        Ok(Some(
            loaders::load_many::<dcat::Product>(ctx, &self.0.product_ids)
                .await?
                .into_iter()
                .map(Product)
                .collect(),
        ))
    }
    /// customer rules: the customers it is for (deleted customers drop out); empty for other
    /// kinds (requires `customers:read`).
    async fn customers(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Customer>>> {
        Ok(Some(
            loaders::load_many::<dc::Customer>(ctx, &self.0.customer_ids)
                .await?
                .into_iter()
                .map(Customer)
                .collect(),
        ))
    }
    /// customer_group rules: the groups whose members qualify (deleted groups drop out); empty
    /// for other kinds (requires `customers:read`).
    async fn customer_groups(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<CustomerGroup>>> {
        Ok(Some(
            loaders::load_many::<dc::CustomerGroup>(ctx, &self.0.customer_group_ids)
                .await?
                .into_iter()
                .map(CustomerGroup)
                .collect(),
        ))
    }
}

/// What a promotion gives.
pub struct PromotionAction(pub d::PromotionAction);

/// What a promotion gives (`pra_…`): an order discount, a per-unit discount on lines, or free delivery.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl PromotionAction {
    /// Public ID (`pra_…`).
    async fn id(&self) -> ID {
        ID(ids::encode(Kind::PromotionAction, self.0.id))
    }
    /// order_adjustment, item_adjustment or free_delivery.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// flat or percent.
    async fn calculator(&self) -> Option<&str> {
        self.0.calculator.as_deref()
    }
    /// Flat amount off.
    async fn amount(&self) -> Option<Decimal> {
        self.0.amount.map(money)
    }
    /// Percent off, 0–100.
    async fn percent(&self) -> Option<Decimal> {
        self.0.percent.map(|d| d.normalize())
    }
    /// The promotion it belongs to (`promo_…`).
    async fn promotion_id(&self) -> ID {
        ID(ids::encode(Kind::Promotion, self.0.promotion_id))
    }
    /// item_adjustment: the discounted products' IDs (`prod_…`); empty: every line.
    async fn product_ids(&self) -> Vec<ID> {
        id_list(Kind::Product, &self.0.product_ids)
    }
    /// When the action was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the action last changed (its fields, or a referenced product deleted).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// item_adjustment: the products discounted (requires `catalog:read`).
    async fn products(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Product>>> {
        Ok(Some(
            loaders::load_many::<dcat::Product>(ctx, &self.0.product_ids)
                .await?
                .into_iter()
                .map(Product)
                .collect(),
        ))
    }
}

/// A code that unlocks a promotion.
pub struct CouponCode(pub d::CouponCode);

/// A code (`cc_…`) that unlocks a coupon_code promotion when entered on an order.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl CouponCode {
    /// Public ID (`cc_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::CouponCode, self.0.id))
    }
    /// Unique per merchant, case-insensitive.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Uses counted on the code: one more when an order with it is placed or resumed, one fewer when it is canceled.
    async fn usage_count(&self) -> i32 {
        self.0.usage_count
    }
    /// When the code was created; the codes of one `couponCodesGenerate` batch share it.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the code last changed: renamed, or a use counted or given back.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The promotion the code unlocks (`promo_…`).
    async fn promotion_id(&self) -> ID {
        ID(ids::encode(Kind::Promotion, self.0.promotion_id))
    }
    /// The promotion the code unlocks.
    async fn promotion(&self, ctx: &Context<'_>) -> GqlResult<Option<Promotion>> {
        Ok(loaders::load(ctx, self.0.promotion_id)
            .await?
            .map(Promotion))
    }
}
