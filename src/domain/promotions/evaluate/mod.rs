//! Which promotions apply to an order (or a draft of one) and what each takes off.
//!
//! Loading is a constant number of statements whatever the number of promotions: the candidates
//! with their usage (`candidates.sql`), their rules, their actions, and the customer's facts
//! (groups, earlier purchases) when a rule needs them. Everything else is plain Rust over
//! `Decimal`, in [`compute`], so the arithmetic is unit-tested without a database.
//!
//! Semantics, decided here once:
//! * Candidates: automatic promotions inside their window at `at`, and the promotions of the
//!   entered codes (matched case-insensitively). A promotion applies at most once; promotions
//!   stack.
//! * Window: `starts_at <= at < expires_at` (either bound optional).
//! * Usage: distinct complete orders holding an adjustment of the promotion, `draft.order_id`
//!   excluded; it must be below `usage_limit`. Each code of a multi-code promotion is single-use
//!   (the same count, per code).
//! * Rules are combined by the promotion's `match_policy` (`all` / `any`); a promotion without
//!   rules is eligible. item_total: `amount_min <= item total <= amount_max` (both inclusive).
//!   product: `any` (default) / `all` / `none` of `product_ids` among the lines' products.
//!   customer: the draft's customer is listed. customer_group: the customer belongs to one of the
//!   groups. first_order: there is a customer and they have no purchase (complete or returned
//!   order) other than `draft.order_id`; a guest never qualifies, since nothing proves it is
//!   their first order. currency: equal to the draft's currency.
//! * Amounts are computed in three passes over the applied promotions, in order (entered codes
//!   first, in the order entered, then automatic promotions by id): item adjustments, each capped
//!   by what is left of its line; order adjustments, each capped by what is left of the item
//!   total; free delivery, which takes off what is left of `delivery_total` (once, however many
//!   promotions grant it). So no line, no item total and no delivery goes below zero, and the
//!   discount total never exceeds `item_total + delivery_total`.
//! * Rounding: every computed amount is rounded to 2 decimals **half-up** (midpoint away from
//!   zero; amounts are never negative), as shoppers and Spree (`BigDecimal#round(2)`) expect —
//!   not banker's rounding, which would turn a 12.345 discount into 12.34. A cap may leave an
//!   amount with the 4 decimals of a stored price, since it is exactly what is left.
//! * Percent of a line: `round(quantity × unit_price × percent / 100)`, i.e. percent per unit
//!   rounded once per line. Flat per unit: `round(amount × quantity)`. Percent of the order:
//!   `round(item_total × percent / 100)`, on the item total before any discount.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Promotion, PromotionAction, PromotionRule};
use crate::db::sql::{Bind, Sql};
use crate::domain::filter;
use crate::domain::validate::Code;
use crate::error::Result;

/// An order, or the draft of one, to evaluate.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The order being evaluated, excluded from usage counts.
    pub order_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub currency: String,
    pub lines: Vec<DraftLine>,
    pub delivery_total: Decimal,
    /// Codes the buyer entered (matched case-insensitively).
    pub coupon_codes: Vec<String>,
    pub at: DateTime<Utc>,
}

/// One line of a [`Draft`].
#[derive(Debug, Clone)]
pub struct DraftLine {
    /// The caller's key for the line (line item id, or index).
    pub key: i64,
    pub variant_id: i64,
    pub product_id: i64,
    pub quantity: i32,
    pub unit_price: Decimal,
}

/// What the promotions do to a draft.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Evaluation {
    pub applied: Vec<AppliedPromotion>,
    pub code_errors: Vec<CodeError>,
    /// Sum of all adjustments (line amounts and order amounts, the free delivery included),
    /// capped so the order's item total never goes below zero.
    pub discount_total: Decimal,
    pub free_delivery: bool,
}

/// A promotion that applies, with its adjustments.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AppliedPromotion {
    pub promotion_id: i64,
    pub coupon_code_id: Option<i64>,
    /// For adjustments.label (the promotion's name).
    pub label: String,
    /// Order-level adjustment (0 if none). It includes the delivery taken off by a free_delivery
    /// action, so `delivery_total` itself stays as it is: the order total is
    /// `item_total + delivery_total + tax_total - discount_total`.
    pub order_amount: Decimal,
    /// (line key, amount) item adjustments, only lines with an amount above zero, in line order.
    pub line_amounts: Vec<(i64, Decimal)>,
    pub free_delivery: bool,
}

/// Why an entered code does not apply.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CodeError {
    /// The coupon code as entered.
    pub code: String,
    /// NOT_FOUND | NOT_STARTED | EXPIRED | USAGE_LIMIT_REACHED | RULES_NOT_MET
    pub reason: String,
    pub message: String,
}

/// Reasons of [`CodeError`]: the strings of field-error codes, as an order refuses a code with
/// them ([`Code::parse`] reads them back).
pub mod reason {
    use crate::domain::validate::code;

    pub const NOT_FOUND: &str = code::NOT_FOUND.as_str();
    pub const NOT_STARTED: &str = code::NOT_STARTED.as_str();
    pub const EXPIRED: &str = code::EXPIRED.as_str();
    pub const USAGE_LIMIT_REACHED: &str = code::USAGE_LIMIT_REACHED.as_str();
    pub const RULES_NOT_MET: &str = code::RULES_NOT_MET.as_str();
}

impl CodeError {
    /// The reason as a field-error code (an order refusing the code reports it so).
    pub fn code(&self) -> Code {
        // Every reason is a code's string (see [`reason`]); RULES_NOT_MET is the generic one.
        Code::parse(&self.reason).unwrap_or(crate::domain::validate::code::RULES_NOT_MET)
    }
}

/// A promotion that may apply: automatic and active, or unlocked by an entered code.
#[derive(Debug, Clone, QueryableByName)]
pub struct Candidate {
    #[diesel(embed)]
    pub promotion: Promotion,
    /// The code as entered, when the candidate comes from one.
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    pub entered_code: Option<String>,
    #[diesel(sql_type = sql_types::Nullable<sql_types::BigInt>)]
    pub coupon_code_id: Option<i64>,
    /// Complete orders that used the promotion (0 when it has no limit).
    #[diesel(sql_type = sql_types::BigInt)]
    pub usage_count: i64,
    /// Complete orders that used this code (multi-code promotions only).
    #[diesel(sql_type = sql_types::BigInt)]
    pub code_usage_count: i64,
}

/// What the rules need to know about the customer.
#[derive(Debug, Clone, Default, QueryableByName)]
pub struct CustomerFacts {
    #[diesel(sql_type = sql_types::Array<sql_types::BigInt>)]
    pub group_ids: Vec<i64>,
    /// A complete or returned order other than the one evaluated.
    #[diesel(sql_type = sql_types::Bool)]
    pub has_purchase: bool,
}

/// Codes trimmed, without blanks and without case-insensitive repeats, in the order entered.
fn entered_codes(codes: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    codes
        .iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty() && seen.insert(c.to_lowercase()))
        .collect()
}

mod compute;
mod load;
mod rules;
#[cfg(test)]
mod tests;

pub use compute::{compute, round_money};
pub use load::evaluate;
