use super::*;

/// Validates one rule; `None` when it has errors (added to `errors`).
pub fn rule(errors: &mut Errors, refs: &mut Refs, path: &Path, r: &RuleInput) -> Option<NewRule> {
    let before = errors.0.len();
    let kind = r.kind.trim().to_lowercase();
    if !RULE_KINDS.contains(&kind.as_str()) {
        errors.add(
            &path.key("kind"),
            code::INVALID,
            format!("must be one of {}", RULE_KINDS.join(", ")),
        );
        return None;
    }
    let mut new = NewRule {
        id: None,
        kind: kind.clone(),
        amount_min: None,
        amount_max: None,
        match_policy: None,
        product_ids: Vec::new(),
        customer_ids: Vec::new(),
        customer_group_ids: Vec::new(),
        currency: None,
    };
    let k = kind.as_str();
    if k != "item_total" {
        unused(errors, &path.key("amount_min"), r.amount_min.is_some(), k);
        unused(errors, &path.key("amount_max"), r.amount_max.is_some(), k);
    }
    if k != "product" {
        unused(
            errors,
            &path.key("match_policy"),
            r.match_policy.is_some(),
            k,
        );
        unused(errors, &path.key("product_ids"), r.product_ids.is_some(), k);
    }
    if k != "customer" {
        unused(
            errors,
            &path.key("customer_ids"),
            r.customer_ids.is_some(),
            k,
        );
    }
    if k != "customer_group" {
        unused(
            errors,
            &path.key("customer_group_ids"),
            r.customer_group_ids.is_some(),
            k,
        );
    }
    if k != "currency" {
        unused(errors, &path.key("currency"), r.currency.is_some(), k);
    }
    match k {
        "item_total" => {
            if r.amount_min.is_none() && r.amount_max.is_none() {
                errors.add(
                    &path.key("amount_min"),
                    code::REQUIRED,
                    "an item_total rule needs amountMin or amountMax",
                );
            }
            let min_ok = r
                .amount_min
                .is_none_or(|d| money(errors, &path.key("amount_min"), d));
            let max_ok = r
                .amount_max
                .is_none_or(|d| money(errors, &path.key("amount_max"), d));
            if let (Some(min), Some(max), true, true) = (r.amount_min, r.amount_max, min_ok, max_ok)
            {
                if min > max {
                    errors.add(
                        &path.key("amount_max"),
                        code::INVALID,
                        "must be greater than or equal to amountMin",
                    );
                }
            }
            new.amount_min = r.amount_min;
            new.amount_max = r.amount_max;
        }
        "product" => {
            let policy = r
                .match_policy
                .as_deref()
                .map(|p| p.trim().to_lowercase())
                .unwrap_or_else(|| "any".into());
            if !["any", "all", "none"].contains(&policy.as_str()) {
                errors.add(
                    &path.key("match_policy"),
                    code::INVALID,
                    "must be any, all or none",
                );
            }
            new.match_policy = Some(policy);
            new.product_ids = refs.list(
                errors,
                &path.key("product_ids"),
                Kind::Product,
                r.product_ids.as_deref().unwrap_or_default(),
                true,
            );
        }
        "customer" => {
            new.customer_ids = refs.list(
                errors,
                &path.key("customer_ids"),
                Kind::Customer,
                r.customer_ids.as_deref().unwrap_or_default(),
                true,
            );
        }
        "customer_group" => {
            new.customer_group_ids = refs.list(
                errors,
                &path.key("customer_group_ids"),
                Kind::CustomerGroup,
                r.customer_group_ids.as_deref().unwrap_or_default(),
                true,
            );
        }
        "currency" => match r.currency.as_deref().map(str::trim) {
            None | Some("") => errors.add(&path.key("currency"), code::REQUIRED, "is required"),
            Some(c) if c.len() == 3 && c.chars().all(|x| x.is_ascii_alphabetic()) => {
                new.currency = Some(c.to_ascii_uppercase());
            }
            Some(_) => errors.add(
                &path.key("currency"),
                code::INVALID,
                "must be an ISO 4217 code such as USD",
            ),
        },
        _ => {} // first_order: nothing to set.
    }
    (errors.0.len() == before).then_some(new)
}

/// Validates a list of rules (at most [`MAX_PER_PROMOTION`]) under `path`.
pub fn rules(
    errors: &mut Errors,
    refs: &mut Refs,
    path: &Path,
    list: &[RuleInput],
) -> Vec<NewRule> {
    if list.len() > MAX_PER_PROMOTION {
        errors.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_PER_PROMOTION} rules"),
        );
        return Vec::new();
    }
    list.iter()
        .enumerate()
        .filter_map(|(i, r)| rule(errors, refs, &path.index(i), r))
        .collect()
}
