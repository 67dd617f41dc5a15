use super::*;

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
pub(super) fn refusal(
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
