//! The result of `promotionEvaluate`: which promotions apply to an order or a draft and what
//! each takes off.

use async_graphql::{Context, Object, SimpleObject, ID};
use rust_decimal::Decimal;

use super::money;
use super::promotion::{CouponCode, Promotion};
use crate::domain::promotions::evaluate as d;
use crate::domain::promotions::{CouponCode as CodeRow, Promotion as PromotionRow};
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::EdgeScope;
use crate::graphql::loaders;
use crate::ids::{self, Kind};

/// Which promotions apply and the discounts they give.
pub struct PromotionEvaluation {
    pub evaluation: d::Evaluation,
    pub draft: d::Draft,
}

impl PromotionEvaluation {
    fn lines_total(&self) -> Decimal {
        self.draft
            .lines
            .iter()
            .map(|l| l.unit_price * Decimal::from(l.quantity))
            .sum()
    }
}

/// Which promotions apply to an order or a draft (`promotionEvaluate`) and what each takes off; amounts are in `currency`.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl PromotionEvaluation {
    /// ISO 4217 currency of every amount.
    async fn currency(&self) -> &str {
        &self.draft.currency
    }
    /// Sum of the lines (quantity × unit price), before discounts.
    async fn item_total(&self) -> Decimal {
        money(self.lines_total())
    }
    /// Delivery before discounts.
    async fn delivery_total(&self) -> Decimal {
        money(self.draft.delivery_total)
    }
    /// Everything the promotions take off: line and order discounts, free delivery included.
    /// Never more than itemTotal + deliveryTotal.
    async fn discount_total(&self) -> Decimal {
        money(self.evaluation.discount_total)
    }
    /// itemTotal + deliveryTotal − discountTotal (before taxes).
    async fn total_after_discounts(&self) -> Decimal {
        money(self.lines_total() + self.draft.delivery_total - self.evaluation.discount_total)
    }
    /// Whether a promotion makes delivery free.
    async fn free_delivery(&self) -> bool {
        self.evaluation.free_delivery
    }
    /// When the promotions were evaluated (windows are checked at this time).
    async fn evaluated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.draft.at
    }
    /// The promotions that apply: entered codes first, in the order entered, then automatic
    /// promotions.
    async fn applied(&self) -> Vec<AppliedPromotion> {
        let by_order = self.draft.order_id.is_some();
        self.evaluation
            .applied
            .iter()
            .cloned()
            .map(|a| AppliedPromotion { a, by_order })
            .collect()
    }
    /// Entered codes that do not apply, with the reason.
    async fn code_errors(&self) -> Vec<CouponCodeError> {
        self.evaluation
            .code_errors
            .iter()
            .map(|c| CouponCodeError {
                code: c.code.clone(),
                reason: c.reason.clone(),
                message: c.message.clone(),
            })
            .collect()
    }
}

/// A promotion that applies, with its discounts.
pub struct AppliedPromotion {
    a: d::AppliedPromotion,
    /// Lines are line items (evaluating an order) rather than draft indexes.
    by_order: bool,
}

/// A promotion that applies, with the discounts it gives (in the evaluation's currency).
#[Object(guard = "EdgeScope::of::<Self>()")]
impl AppliedPromotion {
    /// The promotion (`promo_…`).
    async fn promotion_id(&self) -> ID {
        ID(ids::encode(Kind::Promotion, self.a.promotion_id))
    }
    /// The promotion.
    async fn promotion(&self, ctx: &Context<'_>) -> GqlResult<Option<Promotion>> {
        Ok(loaders::load::<PromotionRow>(ctx, self.a.promotion_id)
            .await?
            .map(Promotion))
    }
    /// The entered code that unlocked it (null for automatic promotions).
    async fn coupon_code(&self, ctx: &Context<'_>) -> GqlResult<Option<CouponCode>> {
        Ok(loaders::load_opt::<CodeRow>(ctx, self.a.coupon_code_id)
            .await?
            .map(CouponCode))
    }
    /// The label of its adjustments (the promotion's name).
    async fn label(&self) -> &str {
        &self.a.label
    }
    /// Order-level discount, free delivery included.
    async fn order_amount(&self) -> Decimal {
        money(self.a.order_amount)
    }
    /// Discounts on lines (only lines with an amount above zero).
    async fn line_discounts(&self) -> Vec<LineDiscount> {
        self.a
            .line_amounts
            .iter()
            .map(|(key, amount)| LineDiscount {
                line_index: (!self.by_order).then(|| i32::try_from(*key).unwrap_or(i32::MAX)),
                line_item_id: self.by_order.then(|| ID(ids::encode(Kind::LineItem, *key))),
                amount: money(*amount),
            })
            .collect()
    }
    /// Whether it makes delivery free.
    async fn free_delivery(&self) -> bool {
        self.a.free_delivery
    }
    /// Everything it takes off: order amount plus line discounts.
    async fn amount(&self) -> Decimal {
        money(self.a.order_amount + self.a.line_amounts.iter().map(|(_, x)| *x).sum::<Decimal>())
    }
}

/// A discount on one line.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct LineDiscount {
    /// Index of the line in `draft.lines` (evaluating a draft).
    pub line_index: Option<i32>,
    /// The line item (`li_…`, evaluating an order).
    pub line_item_id: Option<ID>,
    /// The discount on the whole line.
    pub amount: Decimal,
}

/// Why an entered coupon code does not apply.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct CouponCodeError {
    /// The code as entered.
    pub code: String,
    /// NOT_FOUND, NOT_STARTED, EXPIRED, USAGE_LIMIT_REACHED or RULES_NOT_MET.
    pub reason: String,
    /// Human-readable explanation.
    pub message: String,
}
