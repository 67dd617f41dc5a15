use super::*;

/// Validates one action; `None` when it has errors.
pub fn action(
    errors: &mut Errors,
    refs: &mut Refs,
    path: &Path,
    a: &ActionInput,
) -> Option<NewAction> {
    let before = errors.0.len();
    let kind = a.kind.trim().to_lowercase();
    if !ACTION_KINDS.contains(&kind.as_str()) {
        errors.add(
            &path.key("kind"),
            code::INVALID,
            format!("must be one of {}", ACTION_KINDS.join(", ")),
        );
        return None;
    }
    let k = kind.as_str();
    let mut new = NewAction {
        id: None,
        kind: kind.clone(),
        calculator: None,
        amount: None,
        percent: None,
        product_ids: Vec::new(),
    };
    if k == "free_delivery" {
        unused(errors, &path.key("calculator"), a.calculator.is_some(), k);
        unused(errors, &path.key("amount"), a.amount.is_some(), k);
        unused(errors, &path.key("percent"), a.percent.is_some(), k);
    } else {
        let calculator = a.calculator.as_deref().map(|c| c.trim().to_lowercase());
        match calculator.as_deref() {
            None | Some("") => errors.add(
                &path.key("calculator"),
                code::REQUIRED,
                "flat or percent is required",
            ),
            Some("flat") => {
                unused(errors, &path.key("percent"), a.percent.is_some(), "flat");
                match a.amount {
                    None => errors.add(
                        &path.key("amount"),
                        code::REQUIRED,
                        "a flat action needs an amount",
                    ),
                    Some(d) => {
                        money(errors, &path.key("amount"), d);
                    }
                }
            }
            Some("percent") => {
                unused(errors, &path.key("amount"), a.amount.is_some(), "percent");
                match a.percent {
                    None => errors.add(
                        &path.key("percent"),
                        code::REQUIRED,
                        "a percent action needs a percent",
                    ),
                    Some(d) => {
                        percent(errors, &path.key("percent"), d);
                    }
                }
            }
            Some(_) => errors.add(
                &path.key("calculator"),
                code::INVALID,
                "must be flat or percent",
            ),
        }
        new.calculator = calculator;
        new.amount = a.amount;
        new.percent = a.percent;
    }
    if k == "item_adjustment" {
        // No products: every line is discounted.
        new.product_ids = refs.list(
            errors,
            &path.key("product_ids"),
            Kind::Product,
            a.product_ids.as_deref().unwrap_or_default(),
            false,
        );
    } else {
        unused(errors, &path.key("product_ids"), a.product_ids.is_some(), k);
    }
    (errors.0.len() == before).then_some(new)
}

/// Validates a list of actions (at most [`MAX_PER_PROMOTION`]) under `path`.
pub fn actions(
    errors: &mut Errors,
    refs: &mut Refs,
    path: &Path,
    list: &[ActionInput],
) -> Vec<NewAction> {
    if list.len() > MAX_PER_PROMOTION {
        errors.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_PER_PROMOTION} actions"),
        );
        return Vec::new();
    }
    list.iter()
        .enumerate()
        .filter_map(|(i, a)| action(errors, refs, &path.index(i), a))
        .collect()
}
