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

/// Evaluates the merchant's promotions against `draft`.
pub async fn evaluate(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    draft: &Draft,
) -> Result<Evaluation> {
    let codes = entered_codes(&draft.coupon_codes);
    let candidates: Vec<Candidate> = Sql::with_binds(
        include_str!("candidates.sql"),
        vec![
            Bind::I64(merchant_id),
            Bind::Texts(codes),
            Bind::Time(draft.at),
            Bind::I64(draft.order_id.unwrap_or(0)),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let ids: Vec<i64> = candidates
        .iter()
        .map(|c| c.promotion.id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let (rules, actions) = if ids.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        (
            filter::by_parents::<PromotionRule>(conn, merchant_id, &ids).await?,
            filter::by_parents::<PromotionAction>(conn, merchant_id, &ids).await?,
        )
    };
    let needs_facts = rules
        .iter()
        .any(|r| r.kind == "customer_group" || r.kind == "first_order");
    let facts = match draft.customer_id {
        Some(customer) if needs_facts => customer_facts(conn, merchant_id, customer, draft).await?,
        _ => CustomerFacts::default(),
    };
    Ok(compute(draft, candidates, &rules, &actions, &facts))
}

async fn customer_facts(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    customer_id: i64,
    draft: &Draft,
) -> Result<CustomerFacts> {
    let rows: Vec<CustomerFacts> = Sql::with_binds(
        "SELECT array(SELECT customer_group_id FROM customer_group_memberships \
                      WHERE merchant_id = $1 AND customer_id = $2) AS group_ids, \
                EXISTS (SELECT 1 FROM orders WHERE merchant_id = $1 AND customer_id = $2 \
                        AND status IN ('complete', 'returned') AND id <> $3) AS has_purchase",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(customer_id),
            Bind::I64(draft.order_id.unwrap_or(0)),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().unwrap_or_default())
}

/// Money rounding of computed amounts: 2 decimals, half-up (see the module documentation).
pub fn round_money(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn line_total(line: &DraftLine) -> Decimal {
    (line.unit_price * Decimal::from(line.quantity)).max(Decimal::ZERO)
}

/// Whether one rule holds for the draft.
fn rule_met(
    rule: &PromotionRule,
    draft: &Draft,
    item_total: Decimal,
    products: &HashSet<i64>,
    facts: &CustomerFacts,
) -> bool {
    match rule.kind.as_str() {
        "item_total" => {
            rule.amount_min.is_none_or(|min| item_total >= min)
                && rule.amount_max.is_none_or(|max| item_total <= max)
        }
        "product" => {
            let mut listed = rule.product_ids.iter();
            match rule.match_policy.as_deref() {
                Some("all") => listed.all(|p| products.contains(p)),
                Some("none") => !listed.any(|p| products.contains(p)),
                _ => listed.any(|p| products.contains(p)),
            }
        }
        "customer" => draft
            .customer_id
            .is_some_and(|c| rule.customer_ids.contains(&c)),
        "customer_group" => {
            draft.customer_id.is_some()
                && facts
                    .group_ids
                    .iter()
                    .any(|g| rule.customer_group_ids.contains(g))
        }
        "first_order" => draft.customer_id.is_some() && !facts.has_purchase,
        "currency" => rule.currency.as_deref() == Some(draft.currency.as_str()),
        _ => false,
    }
}

/// Whether the promotion's rules hold under its match policy (no rules: eligible).
fn rules_met(
    promotion: &Promotion,
    rules: &[&PromotionRule],
    draft: &Draft,
    item_total: Decimal,
    products: &HashSet<i64>,
    facts: &CustomerFacts,
) -> bool {
    if rules.is_empty() {
        return true;
    }
    let mut each = rules
        .iter()
        .map(|r| rule_met(r, draft, item_total, products, facts));
    if promotion.match_policy == "any" {
        each.any(|m| m)
    } else {
        each.all(|m| m)
    }
}

/// Why a candidate does not apply, or `None` when it does.
fn refusal(
    c: &Candidate,
    rules: &[&PromotionRule],
    draft: &Draft,
    item_total: Decimal,
    products: &HashSet<i64>,
    facts: &CustomerFacts,
) -> Option<(&'static str, String)> {
    let p = &c.promotion;
    if p.starts_at.is_some_and(|s| draft.at < s) {
        return Some((
            reason::NOT_STARTED,
            "the promotion has not started yet".into(),
        ));
    }
    if p.expires_at.is_some_and(|e| draft.at >= e) {
        return Some((reason::EXPIRED, "the promotion has expired".into()));
    }
    if p.usage_limit.is_some_and(|l| c.usage_count >= i64::from(l)) {
        return Some((
            reason::USAGE_LIMIT_REACHED,
            "the promotion reached its usage limit".into(),
        ));
    }
    if p.multi_codes && c.coupon_code_id.is_some() && c.code_usage_count > 0 {
        return Some((
            reason::USAGE_LIMIT_REACHED,
            "this code has already been used".into(),
        ));
    }
    if !rules_met(p, rules, draft, item_total, products, facts) {
        return Some((
            reason::RULES_NOT_MET,
            "the order does not meet the promotion's conditions".into(),
        ));
    }
    None
}

/// Decides which candidates apply and computes their amounts (pure; see the module docs).
pub fn compute(
    draft: &Draft,
    candidates: Vec<Candidate>,
    rules: &[PromotionRule],
    actions: &[PromotionAction],
    facts: &CustomerFacts,
) -> Evaluation {
    let item_total: Decimal = draft.lines.iter().map(line_total).sum();
    let products: HashSet<i64> = draft.lines.iter().map(|l| l.product_id).collect();
    let mut rules_of: HashMap<i64, Vec<&PromotionRule>> = HashMap::new();
    for r in rules {
        rules_of.entry(r.promotion_id).or_default().push(r);
    }
    let mut actions_of: HashMap<i64, Vec<&PromotionAction>> = HashMap::new();
    for a in actions {
        actions_of.entry(a.promotion_id).or_default().push(a);
    }

    let mut code_errors = Vec::new();
    let found: HashSet<String> = candidates
        .iter()
        .filter_map(|c| c.entered_code.as_ref().map(|e| e.to_lowercase()))
        .collect();
    for code in entered_codes(&draft.coupon_codes) {
        if !found.contains(&code.to_lowercase()) {
            code_errors.push(CodeError {
                code,
                reason: reason::NOT_FOUND.into(),
                message: "no such coupon code".into(),
            });
        }
    }

    // Eligibility, in candidate order (entered codes first): a promotion applies once, with the
    // first of its codes that works; a later code of an applied promotion is ignored, an earlier
    // one that failed keeps its error.
    let mut applied: Vec<(AppliedPromotion, Vec<&PromotionAction>)> = Vec::new();
    let mut applied_ids = HashSet::new();
    for c in candidates {
        if applied_ids.contains(&c.promotion.id) {
            continue;
        }
        let promo_rules = rules_of.get(&c.promotion.id).cloned().unwrap_or_default();
        match refusal(&c, &promo_rules, draft, item_total, &products, facts) {
            Some((why, message)) => {
                if let Some(code) = c.entered_code {
                    code_errors.push(CodeError {
                        code,
                        reason: why.into(),
                        message,
                    });
                }
            }
            None => {
                applied_ids.insert(c.promotion.id);
                applied.push((
                    AppliedPromotion {
                        promotion_id: c.promotion.id,
                        coupon_code_id: c.coupon_code_id,
                        label: c.promotion.name.clone(),
                        order_amount: Decimal::ZERO,
                        line_amounts: Vec::new(),
                        free_delivery: false,
                    },
                    actions_of.get(&c.promotion.id).cloned().unwrap_or_default(),
                ));
            }
        }
    }
    // Pass 1: item adjustments, capped by what is left of each line.
    let mut left: Vec<Decimal> = draft.lines.iter().map(line_total).collect();
    for (promo, acts) in applied.iter_mut() {
        let mut per_line: Vec<Decimal> = vec![Decimal::ZERO; draft.lines.len()];
        for a in acts.iter().filter(|a| a.kind == "item_adjustment") {
            for (i, line) in draft.lines.iter().enumerate() {
                if !a.product_ids.is_empty() && !a.product_ids.contains(&line.product_id) {
                    continue;
                }
                let raw = match a.calculator.as_deref() {
                    Some("percent") => {
                        line_total(line) * a.percent.unwrap_or_default() / Decimal::ONE_HUNDRED
                    }
                    _ => a.amount.unwrap_or_default() * Decimal::from(line.quantity.max(0)),
                };
                let amount = round_money(raw).max(Decimal::ZERO).min(left[i]);
                left[i] -= amount;
                per_line[i] += amount;
            }
        }
        promo.line_amounts = draft
            .lines
            .iter()
            .zip(per_line)
            .filter(|(_, amount)| *amount > Decimal::ZERO)
            .map(|(line, amount)| (line.key, amount))
            .collect();
    }

    // Pass 2: order adjustments, capped by what is left of the item total.
    let mut items_left: Decimal = left.iter().copied().sum();
    for (promo, acts) in applied.iter_mut() {
        for a in acts.iter().filter(|a| a.kind == "order_adjustment") {
            let raw = match a.calculator.as_deref() {
                Some("percent") => {
                    item_total * a.percent.unwrap_or_default() / Decimal::ONE_HUNDRED
                }
                _ => a.amount.unwrap_or_default(),
            };
            let amount = round_money(raw).max(Decimal::ZERO).min(items_left);
            items_left -= amount;
            promo.order_amount += amount;
        }
    }

    // Pass 3: free delivery, taken off once.
    let mut delivery_left = draft.delivery_total.max(Decimal::ZERO);
    for (promo, acts) in applied.iter_mut() {
        if acts.iter().any(|a| a.kind == "free_delivery") {
            promo.free_delivery = true;
            promo.order_amount += delivery_left;
            delivery_left = Decimal::ZERO;
        }
    }

    // Errors in the order the codes were entered.
    let entered: Vec<String> = entered_codes(&draft.coupon_codes)
        .into_iter()
        .map(|c| c.to_lowercase())
        .collect();
    code_errors.sort_by_key(|e| {
        let lower = e.code.to_lowercase();
        entered.iter().position(|c| *c == lower)
    });

    let applied: Vec<AppliedPromotion> = applied.into_iter().map(|(a, _)| a).collect();
    let discount_total = applied
        .iter()
        .map(|a| a.order_amount + a.line_amounts.iter().map(|(_, x)| *x).sum::<Decimal>())
        .sum();
    Evaluation {
        free_delivery: applied.iter().any(|a| a.free_delivery),
        applied,
        code_errors,
        discount_total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn dec(s: &str) -> Decimal {
        s.parse().expect("decimal literal")
    }

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
    }

    fn promo(id: i64, kind: &str) -> Promotion {
        Promotion {
            merchant_id: 1,
            id,
            name: format!("Promo {id}"),
            description: None,
            kind: kind.into(),
            starts_at: None,
            expires_at: None,
            usage_limit: None,
            match_policy: "all".into(),
            multi_codes: false,
            code_prefix: None,
            number_of_codes: None,
            created_at: at(),
            updated_at: at(),
        }
    }

    fn auto(p: Promotion) -> Candidate {
        Candidate {
            promotion: p,
            entered_code: None,
            coupon_code_id: None,
            usage_count: 0,
            code_usage_count: 0,
        }
    }

    fn coded(p: Promotion, code: &str, code_id: i64) -> Candidate {
        Candidate {
            entered_code: Some(code.into()),
            coupon_code_id: Some(code_id),
            ..auto(p)
        }
    }

    fn rule(promotion_id: i64, kind: &str) -> PromotionRule {
        PromotionRule {
            merchant_id: 1,
            id: promotion_id * 100,
            promotion_id,
            kind: kind.into(),
            amount_min: None,
            amount_max: None,
            match_policy: None,
            product_ids: vec![],
            customer_ids: vec![],
            customer_group_ids: vec![],
            currency: None,
        }
    }

    fn action(
        promotion_id: i64,
        kind: &str,
        calculator: Option<&str>,
        value: &str,
    ) -> PromotionAction {
        PromotionAction {
            merchant_id: 1,
            id: promotion_id * 100 + 1,
            promotion_id,
            kind: kind.into(),
            calculator: calculator.map(Into::into),
            amount: (calculator == Some("flat")).then(|| dec(value)),
            percent: (calculator == Some("percent")).then(|| dec(value)),
            product_ids: vec![],
        }
    }

    fn line(key: i64, product_id: i64, quantity: i32, unit_price: &str) -> DraftLine {
        DraftLine {
            key,
            variant_id: product_id * 10,
            product_id,
            quantity,
            unit_price: dec(unit_price),
        }
    }

    fn draft(lines: Vec<DraftLine>, delivery: &str, codes: &[&str]) -> Draft {
        Draft {
            order_id: None,
            customer_id: Some(7),
            currency: "USD".into(),
            lines,
            delivery_total: dec(delivery),
            coupon_codes: codes.iter().map(|c| c.to_string()).collect(),
            at: at(),
        }
    }

    fn run(d: &Draft, c: Vec<Candidate>, r: &[PromotionRule], a: &[PromotionAction]) -> Evaluation {
        compute(d, c, r, a, &CustomerFacts::default())
    }

    #[test]
    fn rounds_half_up_to_cents() {
        assert_eq!(round_money(dec("12.345")), dec("12.35"));
        assert_eq!(round_money(dec("12.355")), dec("12.36"));
        assert_eq!(round_money(dec("0.125")), dec("0.13"));
        assert_eq!(round_money(dec("0.124999")), dec("0.12"));
    }

    #[test]
    fn percent_off_the_order_is_rounded_half_up() {
        // 3 × 8.23 = 24.69; 50% = 12.345, which half-up makes 12.35 (banker's: 12.34).
        let d = draft(vec![line(1, 1, 3, "8.23")], "0", &[]);
        let e = run(
            &d,
            vec![auto(promo(1, "automatic"))],
            &[],
            &[action(1, "order_adjustment", Some("percent"), "50")],
        );
        assert_eq!(e.applied[0].order_amount, dec("12.35"), "12.345 rounds up");
        assert_eq!(e.discount_total, dec("12.35"));
    }

    #[test]
    fn item_adjustments_per_unit_on_listed_products_only() {
        let d = draft(
            vec![
                line(10, 1, 3, "10.00"),
                line(11, 2, 2, "4.99"),
                line(12, 3, 1, "7.50"),
            ],
            "5",
            &[],
        );
        let mut flat = action(1, "item_adjustment", Some("flat"), "1.255");
        flat.product_ids = vec![1, 3];
        let mut pct = action(2, "item_adjustment", Some("percent"), "15");
        pct.product_ids = vec![2];
        let e = run(
            &d,
            vec![auto(promo(1, "automatic")), auto(promo(2, "automatic"))],
            &[],
            &[flat, pct],
        );
        // flat 1.255 per unit: line 10 → 3.765 → 3.77; line 12 → 1.255 → 1.26
        assert_eq!(
            e.applied[0].line_amounts,
            vec![(10, dec("3.77")), (12, dec("1.26"))]
        );
        // 15% of 9.98 = 1.497 → 1.50
        assert_eq!(e.applied[1].line_amounts, vec![(11, dec("1.50"))]);
        assert_eq!(e.applied[0].order_amount, Decimal::ZERO);
        assert_eq!(e.discount_total, dec("6.53"));
        assert!(!e.free_delivery);
    }

    #[test]
    fn item_adjustment_without_products_hits_every_line_and_is_capped_per_line() {
        let d = draft(
            vec![line(1, 1, 2, "3.00"), line(2, 2, 1, "50.00")],
            "0",
            &[],
        );
        let e = run(
            &d,
            vec![auto(promo(1, "automatic"))],
            &[],
            &[action(1, "item_adjustment", Some("flat"), "5")],
        );
        // line 1: 2 × 5 = 10 capped at 6.00; line 2: 5
        assert_eq!(
            e.applied[0].line_amounts,
            vec![(1, dec("6.00")), (2, dec("5"))]
        );
        assert_eq!(e.discount_total, dec("11.00"));
    }

    #[test]
    fn order_adjustments_are_capped_by_what_is_left_of_the_item_total() {
        let d = draft(vec![line(1, 1, 1, "30.00")], "4.90", &[]);
        let e = run(
            &d,
            vec![
                auto(promo(1, "automatic")),
                auto(promo(2, "automatic")),
                auto(promo(3, "automatic")),
            ],
            &[],
            &[
                action(1, "item_adjustment", Some("flat"), "10"),
                action(2, "order_adjustment", Some("flat"), "25"),
                action(3, "free_delivery", None, ""),
            ],
        );
        assert_eq!(e.applied[0].line_amounts, vec![(1, dec("10.00"))]);
        assert_eq!(e.applied[1].order_amount, dec("20.00"), "capped at 30 - 10");
        assert_eq!(e.applied[2].order_amount, dec("4.90"), "free delivery");
        assert!(e.applied[2].free_delivery && e.free_delivery);
        assert_eq!(e.discount_total, dec("34.90"), "= item total + delivery");
    }

    #[test]
    fn free_delivery_is_taken_off_once() {
        let d = draft(vec![line(1, 1, 1, "30")], "6.5", &[]);
        let e = run(
            &d,
            vec![auto(promo(1, "automatic")), auto(promo(2, "automatic"))],
            &[],
            &[
                action(1, "free_delivery", None, ""),
                action(2, "free_delivery", None, ""),
            ],
        );
        assert_eq!(e.applied[0].order_amount, dec("6.5"));
        assert_eq!(e.applied[1].order_amount, Decimal::ZERO);
        assert!(e.applied[1].free_delivery);
        assert_eq!(e.discount_total, dec("6.5"));
    }

    #[test]
    fn item_total_rule_bounds_are_inclusive() {
        let mut r = rule(1, "item_total");
        r.amount_min = Some(dec("50"));
        r.amount_max = Some(dec("100"));
        let a = [action(1, "order_adjustment", Some("flat"), "5")];
        for (price, applies) in [
            ("49.99", false),
            ("50", true),
            ("100.00", true),
            ("100.01", false),
        ] {
            let d = draft(vec![line(1, 1, 1, price)], "0", &[]);
            let e = run(&d, vec![auto(promo(1, "automatic"))], &[r.clone()], &a);
            assert_eq!(e.applied.len() == 1, applies, "item total {price}");
        }
    }

    #[test]
    fn product_rule_policies() {
        let d = draft(vec![line(1, 1, 1, "10"), line(2, 2, 1, "10")], "0", &[]);
        let a = [action(1, "order_adjustment", Some("flat"), "1")];
        let cases = [
            (None, vec![2, 9], true),
            (Some("any"), vec![8, 9], false),
            (Some("all"), vec![1, 2], true),
            (Some("all"), vec![1, 9], false),
            (Some("none"), vec![8, 9], true),
            (Some("none"), vec![2], false),
        ];
        for (policy, ids, applies) in cases {
            let mut r = rule(1, "product");
            r.match_policy = policy.map(Into::into);
            r.product_ids = ids.clone();
            let e = run(&d, vec![auto(promo(1, "automatic"))], &[r], &a);
            assert_eq!(e.applied.len() == 1, applies, "{policy:?} {ids:?}");
        }
    }

    #[test]
    fn customer_group_first_order_and_currency_rules() {
        let mut d = draft(vec![line(1, 1, 1, "10")], "0", &[]);
        let a = [action(1, "order_adjustment", Some("flat"), "1")];
        let p = || vec![auto(promo(1, "automatic"))];

        let mut customer = rule(1, "customer");
        customer.customer_ids = vec![7];
        assert_eq!(run(&d, p(), &[customer.clone()], &a).applied.len(), 1);
        customer.customer_ids = vec![8];
        assert_eq!(run(&d, p(), &[customer], &a).applied.len(), 0);

        let mut group = rule(1, "customer_group");
        group.customer_group_ids = vec![3, 4];
        let member = CustomerFacts {
            group_ids: vec![4],
            has_purchase: false,
        };
        assert_eq!(
            compute(&d, p(), &[group.clone()], &a, &member)
                .applied
                .len(),
            1
        );
        assert_eq!(run(&d, p(), &[group], &a).applied.len(), 0);

        let first = rule(1, "first_order");
        assert_eq!(
            run(&d, p(), std::slice::from_ref(&first), &a).applied.len(),
            1
        );
        let buyer = CustomerFacts {
            group_ids: vec![],
            has_purchase: true,
        };
        assert_eq!(
            compute(&d, p(), std::slice::from_ref(&first), &a, &buyer)
                .applied
                .len(),
            0
        );

        let mut currency = rule(1, "currency");
        currency.currency = Some("EUR".into());
        assert_eq!(run(&d, p(), &[currency.clone()], &a).applied.len(), 0);
        d.currency = "EUR".into();
        assert_eq!(run(&d, p(), &[currency], &a).applied.len(), 1);

        d.customer_id = None;
        assert_eq!(
            run(&d, p(), &[first], &a).applied.len(),
            0,
            "guests never qualify"
        );
    }

    #[test]
    fn match_policy_any_needs_one_rule() {
        let d = draft(vec![line(1, 1, 1, "10")], "0", &[]);
        let a = [action(1, "order_adjustment", Some("flat"), "1")];
        let mut eur = rule(1, "currency");
        eur.currency = Some("EUR".into());
        let mut usd = rule(1, "currency");
        usd.currency = Some("USD".into());
        let mut any = promo(1, "automatic");
        any.match_policy = "any".into();
        assert_eq!(
            run(&d, vec![auto(any)], &[eur.clone(), usd.clone()], &a)
                .applied
                .len(),
            1
        );
        assert_eq!(
            run(&d, vec![auto(promo(1, "automatic"))], &[eur, usd], &a)
                .applied
                .len(),
            0
        );
    }

    #[test]
    fn code_errors_have_reasons() {
        let d = draft(
            vec![line(1, 1, 1, "10")],
            "0",
            &["nope", "SOON", "old", "full", "picky", "used", "ok", "OK "],
        );
        let mut soon = promo(1, "coupon_code");
        soon.starts_at = Some(at() + chrono::Duration::seconds(1));
        let mut old = promo(2, "coupon_code");
        old.expires_at = Some(at());
        let mut full = promo(3, "coupon_code");
        full.usage_limit = Some(2);
        let picky = promo(4, "coupon_code");
        let mut used = promo(5, "coupon_code");
        used.multi_codes = true;
        let mut starts_now = promo(6, "coupon_code");
        starts_now.starts_at = Some(at());
        let mut full_c = coded(full, "full", 3);
        full_c.usage_count = 2;
        let mut used_c = coded(used, "used", 5);
        used_c.code_usage_count = 1;
        let mut currency = rule(4, "currency");
        currency.currency = Some("EUR".into());
        let e = run(
            &d,
            vec![
                coded(soon, "SOON", 1),
                coded(old, "old", 2),
                full_c,
                coded(picky, "picky", 4),
                used_c,
                coded(starts_now, "ok", 6),
            ],
            &[currency],
            &[action(6, "order_adjustment", Some("flat"), "2")],
        );
        let reasons: Vec<(&str, &str)> = e
            .code_errors
            .iter()
            .map(|c| (c.code.as_str(), c.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                ("nope", "NOT_FOUND"),
                ("SOON", "NOT_STARTED"),
                ("old", "EXPIRED"),
                ("full", "USAGE_LIMIT_REACHED"),
                ("picky", "RULES_NOT_MET"),
                ("used", "USAGE_LIMIT_REACHED"),
            ]
        );
        assert_eq!(e.applied.len(), 1, "the repeated OK is ignored");
        assert_eq!(e.applied[0].coupon_code_id, Some(6));
        assert_eq!(e.applied[0].order_amount, dec("2"));
    }

    #[test]
    fn usage_below_the_limit_applies() {
        let d = draft(vec![line(1, 1, 1, "10")], "0", &[]);
        let mut p = promo(1, "automatic");
        p.usage_limit = Some(3);
        let mut c = auto(p);
        c.usage_count = 2;
        let e = run(&d, vec![c], &[], &[]);
        assert_eq!(e.applied.len(), 1);
        assert_eq!(e.discount_total, Decimal::ZERO);
    }
}
