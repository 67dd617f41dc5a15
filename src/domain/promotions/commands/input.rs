//! Validation of promotion rules and actions: the table CHECKs, said once with field paths and
//! stable codes, plus what the tables cannot check (each kind's own fields, references to the
//! merchant's products, customers and groups).

use std::collections::HashMap;

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, Errors, Path, MAX_BULK};
use crate::error::Result;
use crate::ids::{self, Kind};

/// Most rules, and most actions, one promotion holds.
pub const MAX_PER_PROMOTION: usize = 50;

pub const RULE_KINDS: [&str; 6] = [
    "item_total",
    "product",
    "customer",
    "customer_group",
    "first_order",
    "currency",
];
pub const ACTION_KINDS: [&str; 3] = ["order_adjustment", "item_adjustment", "free_delivery"];

/// A rule as the caller sends it (IDs public).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleInput {
    pub kind: String,
    pub amount_min: Option<Decimal>,
    pub amount_max: Option<Decimal>,
    pub match_policy: Option<String>,
    pub product_ids: Option<Vec<String>>,
    pub customer_ids: Option<Vec<String>>,
    pub customer_group_ids: Option<Vec<String>>,
    pub currency: Option<String>,
}

/// An action as the caller sends it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActionInput {
    pub kind: String,
    pub calculator: Option<String>,
    pub amount: Option<Decimal>,
    pub percent: Option<Decimal>,
    pub product_ids: Option<Vec<String>>,
}

/// A valid rule, ready for `insert_rules.sql` (serialized as one JSON record).
#[derive(Debug, Clone, Serialize)]
pub struct NewRule {
    pub kind: String,
    pub amount_min: Option<Decimal>,
    pub amount_max: Option<Decimal>,
    pub match_policy: Option<String>,
    pub product_ids: Vec<i64>,
    pub customer_ids: Vec<i64>,
    pub customer_group_ids: Vec<i64>,
    pub currency: Option<String>,
}

/// A valid action, ready for `insert_actions.sql`.
#[derive(Debug, Clone, Serialize)]
pub struct NewAction {
    pub kind: String,
    pub calculator: Option<String>,
    pub amount: Option<Decimal>,
    pub percent: Option<Decimal>,
    pub product_ids: Vec<i64>,
}

/// Largest amount numeric(19,4) holds, rounded down to a whole number.
const MAX_MONEY: i64 = 999_999_999_999_999;

/// A non-negative amount of at most 4 decimals that fits numeric(19,4).
pub fn money(errors: &mut Errors, path: &Path, d: Decimal) -> bool {
    if d.is_sign_negative() && !d.is_zero() {
        errors.add(path, code::OUT_OF_RANGE, "must not be negative");
        false
    } else if d > Decimal::from(MAX_MONEY) {
        errors.add(
            path,
            code::OUT_OF_RANGE,
            format!("must be at most {MAX_MONEY}"),
        );
        false
    } else if d.normalize().scale() > 4 {
        errors.add(path, code::INVALID, "must have at most 4 decimals");
        false
    } else {
        true
    }
}

/// A percentage between 0 and 100 with at most 4 decimals (numeric(7,4)).
fn percent(errors: &mut Errors, path: &Path, d: Decimal) -> bool {
    if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
        errors.add(path, code::OUT_OF_RANGE, "must be between 0 and 100");
        false
    } else if d.normalize().scale() > 4 {
        errors.add(path, code::INVALID, "must have at most 4 decimals");
        false
    } else {
        true
    }
}

/// IDs the input refers to, checked against the merchant's rows in one statement per table.
#[derive(Default)]
pub struct Refs {
    wanted: Vec<(Path, Kind, i64)>,
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = sql_types::Text)]
    kind: String,
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
}

impl Refs {
    /// Decodes a list of public IDs (at least one, at most [`MAX_BULK`]); malformed ones are
    /// INVALID at their index, and each is remembered for [`Refs::check`].
    fn list(
        &mut self,
        errors: &mut Errors,
        path: &Path,
        kind: Kind,
        raw: &[String],
        required: bool,
    ) -> Vec<i64> {
        if required && raw.is_empty() {
            errors.add(
                path,
                code::REQUIRED,
                format!("at least one {} is required", kind.noun()),
            );
            return Vec::new();
        }
        if raw.len() > MAX_BULK {
            errors.add(
                path,
                code::LIMIT_EXCEEDED,
                format!("at most {MAX_BULK} IDs"),
            );
            return Vec::new();
        }
        let mut keys = Vec::with_capacity(raw.len());
        for (i, id) in raw.iter().enumerate() {
            match ids::decode(kind, id) {
                Ok(k) => {
                    if !keys.contains(&k) {
                        keys.push(k);
                    }
                    self.wanted.push((path.index(i), kind, k));
                }
                Err(e) => errors.add(&path.index(i), code::INVALID, e.to_string()),
            }
        }
        keys
    }

    /// Adds NOT_FOUND for every ID that is not one of the merchant's rows (another merchant's
    /// included): one statement, whatever the number of IDs.
    pub async fn check(
        self,
        conn: &mut AsyncPgConnection,
        merchant_id: i64,
        errors: &mut Errors,
    ) -> Result<()> {
        if self.wanted.is_empty() {
            return Ok(());
        }
        let mut by_kind: HashMap<Kind, Vec<i64>> = HashMap::new();
        for (_, kind, key) in &self.wanted {
            by_kind.entry(*kind).or_default().push(*key);
        }
        let keys = |k: Kind| by_kind.get(&k).cloned().unwrap_or_default();
        let found: Vec<Found> = Sql::with_binds(
            "SELECT 'product' AS kind, id FROM products WHERE merchant_id = $1 AND id = ANY($2) \
             UNION ALL SELECT 'customer', id FROM customers WHERE merchant_id = $1 AND id = ANY($3) \
             UNION ALL SELECT 'customer group', id FROM customer_groups WHERE merchant_id = $1 AND id = ANY($4)",
            vec![
                Bind::I64(merchant_id),
                Bind::I64s(keys(Kind::Product)),
                Bind::I64s(keys(Kind::Customer)),
                Bind::I64s(keys(Kind::CustomerGroup)),
            ],
        )
        .into_query()
        .load(conn)
        .await?;
        let found: std::collections::HashSet<(String, i64)> =
            found.into_iter().map(|f| (f.kind, f.id)).collect();
        for (path, kind, key) in self.wanted {
            if !found.contains(&(kind.noun().to_owned(), key)) {
                errors.add(&path, code::NOT_FOUND, format!("no such {}", kind.noun()));
            }
        }
        Ok(())
    }
}

/// Refuses a field that a kind does not use.
fn unused(errors: &mut Errors, path: &Path, present: bool, kind: &str) {
    if present {
        errors.add(
            path,
            code::INVALID,
            format!("is not used by a {kind} rule or action"),
        );
    }
}

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

/// Inserts rules of a promotion in one statement.
pub async fn insert_rules(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
    rules: &[NewRule],
) -> Result<()> {
    if rules.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_value(rules).map_err(crate::error::Error::internal)?;
    Sql::with_binds(
        include_str!("insert_rules.sql"),
        vec![
            Bind::I64(merchant_id),
            Bind::I64(promotion_id),
            Bind::Json(json),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts actions of a promotion in one statement.
pub async fn insert_actions(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
    actions: &[NewAction],
) -> Result<()> {
    if actions.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_value(actions).map_err(crate::error::Error::internal)?;
    Sql::with_binds(
        include_str!("insert_actions.sql"),
        vec![
            Bind::I64(merchant_id),
            Bind::I64(promotion_id),
            Bind::Json(json),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(errors: &Errors) -> Vec<(String, String)> {
        errors
            .0
            .iter()
            .map(|e| (e.path.to_string(), e.code.as_str().to_owned()))
            .collect()
    }

    #[test]
    fn item_total_needs_a_bound_and_ordered_bounds() {
        let p = Path::field("r");
        let mut e = Errors::default();
        let mut refs = Refs::default();
        assert!(rule(
            &mut e,
            &mut refs,
            &p,
            &RuleInput {
                kind: "item_total".into(),
                ..Default::default()
            }
        )
        .is_none());
        assert_eq!(codes(&e), vec![("r.amount_min".into(), "REQUIRED".into())]);

        let mut e = Errors::default();
        let r = RuleInput {
            kind: "item_total".into(),
            amount_min: Some(Decimal::from(10)),
            amount_max: Some(Decimal::from(5)),
            currency: Some("USD".into()),
            ..Default::default()
        };
        assert!(rule(&mut e, &mut refs, &p, &r).is_none());
        assert_eq!(
            codes(&e),
            vec![
                ("r.currency".into(), "INVALID".into()),
                ("r.amount_max".into(), "INVALID".into())
            ]
        );

        let mut e = Errors::default();
        let r = RuleInput {
            kind: "ITEM_TOTAL".into(),
            amount_min: Some("-1".parse().unwrap()),
            amount_max: Some("1.00001".parse().unwrap()),
            ..Default::default()
        };
        assert!(rule(&mut e, &mut refs, &p, &r).is_none());
        assert_eq!(
            codes(&e),
            vec![
                ("r.amount_min".into(), "OUT_OF_RANGE".into()),
                ("r.amount_max".into(), "INVALID".into())
            ]
        );
    }

    #[test]
    fn actions_need_their_calculator_values() {
        let p = Path::field("a");
        let mut refs = Refs::default();
        let cases: Vec<(ActionInput, Vec<(&str, &str)>)> = vec![
            (
                ActionInput {
                    kind: "order_adjustment".into(),
                    ..Default::default()
                },
                vec![("a.calculator", "REQUIRED")],
            ),
            (
                ActionInput {
                    kind: "order_adjustment".into(),
                    calculator: Some("flat".into()),
                    percent: Some(Decimal::ONE),
                    ..Default::default()
                },
                vec![("a.percent", "INVALID"), ("a.amount", "REQUIRED")],
            ),
            (
                ActionInput {
                    kind: "item_adjustment".into(),
                    calculator: Some("percent".into()),
                    percent: Some(Decimal::from(101)),
                    ..Default::default()
                },
                vec![("a.percent", "OUT_OF_RANGE")],
            ),
            (
                ActionInput {
                    kind: "free_delivery".into(),
                    amount: Some(Decimal::ONE),
                    product_ids: Some(vec![]),
                    ..Default::default()
                },
                vec![("a.amount", "INVALID"), ("a.product_ids", "INVALID")],
            ),
            (
                ActionInput {
                    kind: "gift".into(),
                    ..Default::default()
                },
                vec![("a.kind", "INVALID")],
            ),
            (
                ActionInput {
                    kind: "item_adjustment".into(),
                    calculator: Some("flat".into()),
                    amount: Some(Decimal::ONE),
                    product_ids: Some(vec!["cus_x".into()]),
                    ..Default::default()
                },
                vec![("a.product_ids.0", "INVALID")],
            ),
        ];
        for (input, expected) in cases {
            let mut e = Errors::default();
            assert!(action(&mut e, &mut refs, &p, &input).is_none(), "{input:?}");
            let expected: Vec<(String, String)> = expected
                .into_iter()
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .collect();
            assert_eq!(codes(&e), expected, "{input:?}");
        }
        let mut e = Errors::default();
        let ok = action(
            &mut e,
            &mut refs,
            &p,
            &ActionInput {
                kind: "item_adjustment".into(),
                calculator: Some("Percent".into()),
                percent: Some("12.5".parse().unwrap()),
                ..Default::default()
            },
        )
        .expect("valid");
        assert_eq!(ok.calculator.as_deref(), Some("percent"));
        assert!(ok.product_ids.is_empty());
    }
}
