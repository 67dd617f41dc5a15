//! An order's totals from its priced lines and a promotion evaluation, in `Decimal` (never a
//! float), as a pure function so the arithmetic is unit-tested without a database.
//!
//! - line total = quantity × unit price; line discount = the item adjustments of the line;
//! - item_count = Σ quantities; item_total = Σ line totals (before any discount);
//! - discount_total = Σ adjustments written (item and order level; a free delivery is an order
//!   level adjustment of the delivery it takes off, see `promotions::evaluate`);
//! - total = item_total − discount_total + tax_total + delivery_total, never below zero.
//!
//! Only amounts above zero become adjustments: a promotion that applies but takes nothing off
//! (an item discount without a matching line, free delivery of a zero delivery) leaves no
//! trace, so the order does not count as a use of it (usage is counted from adjustments).

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::domain::promotions::evaluate::Evaluation;

/// A line as the totals see it.
#[derive(Debug, Clone)]
pub struct PricedLine {
    pub key: i64,
    pub quantity: i32,
    pub price: Decimal,
}

/// An adjustment to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAdjustment {
    /// The line it applies to (its key); `None` for the order itself.
    pub line_key: Option<i64>,
    pub promotion_id: i64,
    pub coupon_code_id: Option<i64>,
    pub label: String,
    pub amount: Decimal,
}

/// Everything a recompute writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub item_count: i32,
    pub item_total: Decimal,
    pub discount_total: Decimal,
    pub total: Decimal,
    /// Per line, in line order.
    pub line_totals: Vec<Decimal>,
    pub line_discounts: Vec<Decimal>,
    pub adjustments: Vec<NewAdjustment>,
}

/// Amounts are stored as numeric(19,4): round to that scale before summing, so that the totals
/// are exactly the sum of what is stored.
fn stored(d: Decimal) -> Decimal {
    d.round_dp(4).max(Decimal::ZERO)
}

pub fn compute(
    lines: &[PricedLine],
    evaluation: &Evaluation,
    tax_total: Decimal,
    delivery_total: Decimal,
) -> Totals {
    let line_totals: Vec<Decimal> = lines
        .iter()
        .map(|l| stored(l.price * Decimal::from(l.quantity)))
        .collect();
    let item_total: Decimal = line_totals.iter().copied().sum();
    let item_count: i32 = lines.iter().map(|l| l.quantity.max(0)).sum();
    let position: HashMap<i64, usize> = lines.iter().enumerate().map(|(i, l)| (l.key, i)).collect();

    let mut adjustments = Vec::new();
    let mut line_discounts = vec![Decimal::ZERO; lines.len()];
    for p in &evaluation.applied {
        let adjustment = |line_key, amount| NewAdjustment {
            line_key,
            promotion_id: p.promotion_id,
            coupon_code_id: p.coupon_code_id,
            label: p.label.clone(),
            amount,
        };
        for (key, amount) in &p.line_amounts {
            let amount = stored(*amount);
            // Only keys of this order's lines; an amount on anything else would be a bug in the
            // evaluation, and is not written.
            if let (Some(&i), true) = (position.get(key), amount > Decimal::ZERO) {
                line_discounts[i] += amount;
                adjustments.push(adjustment(Some(*key), amount));
            }
        }
        let order_amount = stored(p.order_amount);
        if order_amount > Decimal::ZERO {
            adjustments.push(adjustment(None, order_amount));
        }
    }
    let discount_total: Decimal = adjustments.iter().map(|a| a.amount).sum();
    let total = (item_total - discount_total + tax_total + delivery_total).max(Decimal::ZERO);
    Totals {
        item_count,
        item_total,
        discount_total,
        total,
        line_totals,
        line_discounts,
        adjustments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::promotions::evaluate::AppliedPromotion;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn eval(applied: Vec<AppliedPromotion>) -> Evaluation {
        Evaluation {
            discount_total: applied
                .iter()
                .map(|a| a.order_amount + a.line_amounts.iter().map(|x| x.1).sum::<Decimal>())
                .sum(),
            free_delivery: applied.iter().any(|a| a.free_delivery),
            applied,
            code_errors: vec![],
        }
    }

    fn promo(id: i64, order: &str, lines: Vec<(i64, &str)>) -> AppliedPromotion {
        AppliedPromotion {
            promotion_id: id,
            coupon_code_id: None,
            label: format!("P{id}"),
            order_amount: d(order),
            line_amounts: lines.into_iter().map(|(k, a)| (k, d(a))).collect(),
            free_delivery: false,
        }
    }

    #[test]
    fn sums_lines_and_discounts_exactly() {
        let lines = vec![
            PricedLine {
                key: 7,
                quantity: 3,
                price: d("19.99"),
            },
            PricedLine {
                key: -1,
                quantity: 2,
                price: d("0.3333"),
            },
        ];
        let e = eval(vec![
            promo(1, "5.00", vec![(7, "6.00")]),
            promo(2, "0", vec![]),
        ]);
        let t = compute(&lines, &e, d("1.10"), d("2.50"));
        assert_eq!(t.line_totals, vec![d("59.97"), d("0.6666")]);
        assert_eq!(t.item_total, d("60.6366"));
        assert_eq!(t.item_count, 5);
        assert_eq!(t.line_discounts, vec![d("6.00"), d("0")]);
        assert_eq!(t.discount_total, d("11.00"));
        // 60.6366 − 11 + 1.10 + 2.50
        assert_eq!(t.total, d("53.2366"));
        // The promotion that took nothing off leaves no adjustment.
        assert_eq!(t.adjustments.len(), 2);
        assert_eq!(t.adjustments[0].line_key, Some(7));
        assert_eq!(t.adjustments[1].line_key, None);
        assert_eq!(t.adjustments[1].amount, d("5.00"));
    }

    #[test]
    fn total_never_goes_below_zero_and_unknown_lines_are_ignored() {
        let lines = vec![PricedLine {
            key: 1,
            quantity: 1,
            price: d("10"),
        }];
        let t = compute(
            &lines,
            &eval(vec![promo(1, "25", vec![(99, "3")])]),
            Decimal::ZERO,
            Decimal::ZERO,
        );
        assert_eq!(t.total, Decimal::ZERO);
        assert_eq!(t.adjustments.len(), 1);
        assert_eq!(t.line_discounts, vec![Decimal::ZERO]);
    }

    #[test]
    fn empty_order_is_all_zero() {
        let t = compute(&[], &eval(vec![]), Decimal::ZERO, d("4.00"));
        assert_eq!(t.item_total, Decimal::ZERO);
        assert_eq!(t.item_count, 0);
        assert_eq!(t.total, d("4.00"));
        assert!(t.adjustments.is_empty());
    }
}
