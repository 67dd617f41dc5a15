use super::rules::refusal;
use super::*;

/// Money rounding of computed amounts: 2 decimals, half-up (see the module documentation).
pub fn round_money(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn line_total(line: &DraftLine) -> Decimal {
    (line.unit_price * Decimal::from(line.quantity)).max(Decimal::ZERO)
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
