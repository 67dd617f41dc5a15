use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::auth::Scope;
use crate::domain::promotions::draft::{self as drafts, DraftInput, DraftLineInput};
use crate::domain::promotions::evaluate::evaluate;
use crate::domain::validate::{code, FieldError, Path};
use crate::graphql::context::{conn, merchant_id};
use crate::graphql::errors::{GqlResult, IntoGql};
use crate::graphql::guards::{EdgeScope, RequireScope, RequireScopeIf};
use crate::graphql::mutations::{Arguments, UserError};
use crate::graphql::types::promotion_evaluation::PromotionEvaluation;

/// An order that does not exist (yet), to evaluate promotions against.
#[derive(InputObject)]
pub struct PromotionDraftInput {
    /// The buyer (`cus_…`), for customer, customer_group and first_order rules.
    pub customer_id: Option<ID>,
    /// ISO 4217 currency of the prices.
    pub currency: String,
    /// At most 1,000 lines.
    pub lines: Vec<PromotionDraftLineInput>,
    /// Delivery before discounts (default 0).
    pub delivery_total: Option<Decimal>,
    /// Codes the buyer entered (at most 20), matched case-insensitively.
    pub coupon_codes: Option<Vec<String>>,
    /// When to evaluate (default: now).
    pub at: Option<DateTime<Utc>>,
}

/// One line of a draft.
#[derive(InputObject)]
pub struct PromotionDraftLineInput {
    /// The variant (`variant_…`); its product is what product rules and actions match.
    pub variant_id: ID,
    /// 1–100,000.
    pub quantity: i32,
    /// Price of one unit.
    pub unit_price: Decimal,
}

/// Result of `promotionEvaluate`.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct PromotionEvaluatePayload {
    /// Null when the arguments are refused.
    pub evaluation: Option<PromotionEvaluation>,
    /// Why the arguments were refused.
    pub user_errors: Vec<UserError>,
}

/// `promotionEvaluate(orderId:, draft:, couponCodes:)`: the arguments' own errors and those of
/// an order's evaluation, where `coupon_codes` is the argument.
const ARGS: Arguments = Arguments::new("draft", &["order_id", "coupon_codes"]);
/// The errors of a draft's evaluation: `coupon_codes` is the draft's field.
const DRAFT_ARGS: Arguments = Arguments::new("draft", &["order_id"]);

fn refused(args: &Arguments, errors: Vec<FieldError>) -> PromotionEvaluatePayload {
    PromotionEvaluatePayload {
        evaluation: None,
        user_errors: args.user_errors(&errors),
    }
}

#[derive(Default)]
pub struct PromotionEvaluateQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl PromotionEvaluateQuery {
    /// Which promotions apply to an order, or to a draft of one, and the discount each gives
    /// (order-level and per line), free delivery, the discount total and why entered coupon
    /// codes do not apply. Exactly one of `orderId` and `draft`. Writes nothing. `orderId` also
    /// requires `orders:read` (the answer shows the order's lines and totals), a draft's
    /// `customerId` `customers:read` (it tells the customer's groups and first order).
    #[graphql(
        guard = "RequireScope(Scope::PromotionsRead).and(RequireScopeIf(order_id.is_some(), Scope::OrdersRead)).and(RequireScopeIf(draft.as_ref().is_some_and(|d| d.customer_id.is_some()), Scope::CustomersRead))",
        complexity = "crate::graphql::limits::HEAVY_FIELD_COST + child_complexity"
    )]
    async fn promotion_evaluate(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A stored order (`or_…`): its line items, customer, currency, delivery and coupon code."
        )]
        order_id: Option<ID>,
        #[graphql(desc = "A draft order.")] draft: Option<PromotionDraftInput>,
        #[graphql(desc = "With orderId: more codes to try besides the order's own (at most 20).")]
        coupon_codes: Option<Vec<String>>,
    ) -> GqlResult<PromotionEvaluatePayload> {
        let m = merchant_id(ctx)?;
        let coupon_codes = coupon_codes.unwrap_or_default();
        let mut c = conn(ctx).await?;
        let mut args = ARGS;
        let built = match (order_id, draft) {
            (Some(_), Some(_)) => Err(vec![FieldError::new(
                &Path::input(),
                code::INVALID,
                "give either orderId or draft, not both",
            )]),
            (None, None) => Err(vec![FieldError::new(
                &Path::field("order_id"),
                code::REQUIRED,
                "give orderId or draft",
            )]),
            (Some(id), None) => drafts::from_order(&mut c, m, &id, &coupon_codes)
                .await
                .gql()?,
            (None, Some(_)) if !coupon_codes.is_empty() => Err(vec![FieldError::new(
                &Path::field("coupon_codes"),
                code::INVALID,
                "with a draft, give the codes in draft.couponCodes",
            )]),
            (None, Some(d)) => {
                args = DRAFT_ARGS;
                let input = DraftInput {
                    customer_id: d.customer_id.map(|i| i.0),
                    currency: d.currency,
                    lines: d
                        .lines
                        .into_iter()
                        .map(|l| DraftLineInput {
                            variant_id: l.variant_id.0,
                            quantity: l.quantity,
                            unit_price: l.unit_price,
                        })
                        .collect(),
                    delivery_total: d.delivery_total,
                    coupon_codes: d.coupon_codes.unwrap_or_default(),
                    at: d.at,
                };
                drafts::from_input(&mut c, m, &input).await.gql()?
            }
        };
        let draft = match built {
            Ok(d) => d,
            Err(errors) => return Ok(refused(&args, errors)),
        };
        let evaluation = evaluate(&mut c, m, &draft).await.gql()?;
        Ok(PromotionEvaluatePayload {
            evaluation: Some(PromotionEvaluation { evaluation, draft }),
            user_errors: Vec::new(),
        })
    }
}
