//! A rule changed in place: it keeps its key and `created_at`, and its kind.

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use serde::Serialize;

use super::children::{owner, touch};
use super::input::{self, NewRule, Refs, RuleInput};
use super::WrittenChild;
use crate::db::sql::{Bind, Sql};
use crate::domain::promotions::PromotionRule;
use crate::domain::validate::{code, Errors, FieldError, Patch, Path};
use crate::error::Result;
use crate::ids::{self, Kind};

/// Changes to a rule: absent fields keep their value; `amount_min` / `amount_max` may be cleared.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RulePatch {
    /// Refused with IMMUTABLE when it differs from the rule's kind.
    pub kind: Option<String>,
    #[serde(skip)]
    pub amount_min: Patch<Decimal>,
    #[serde(skip)]
    pub amount_max: Patch<Decimal>,
    pub match_policy: Option<String>,
    pub product_ids: Option<Vec<String>>,
    pub customer_ids: Option<Vec<String>>,
    pub customer_group_ids: Option<Vec<String>>,
    pub currency: Option<String>,
}

/// The rule as an input of its own kind (the fields other kinds use absent).
fn current(r: &PromotionRule) -> RuleInput {
    let ids = |kind: Kind, keys: &[i64], used: bool| {
        used.then(|| keys.iter().map(|k| ids::encode(kind, *k)).collect())
    };
    let k = r.kind.as_str();
    RuleInput {
        id: None,
        kind: r.kind.clone(),
        amount_min: r.amount_min,
        amount_max: r.amount_max,
        match_policy: r.match_policy.clone(),
        product_ids: ids(Kind::Product, &r.product_ids, k == "product"),
        customer_ids: ids(Kind::Customer, &r.customer_ids, k == "customer"),
        customer_group_ids: ids(
            Kind::CustomerGroup,
            &r.customer_group_ids,
            k == "customer_group",
        ),
        currency: r.currency.clone(),
    }
}

/// Changes the rule `id` (of the promotion `promotion_id` when given; another promotion's rule
/// is NOT_FOUND) and validates the result as [`input::rule`] does a new one (paths under
/// `input`). The promotion's and the rule's keys.
pub async fn update_rule(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    promotion_id: Option<&str>,
    patch: &RulePatch,
) -> Result<WrittenChild> {
    let path = Path::field("id");
    let key = match ids::decode(Kind::PromotionRule, id) {
        Ok(k) => k,
        Err(e) => {
            return Ok(Err(vec![FieldError::new(
                &path,
                code::INVALID,
                e.to_string(),
            )]))
        }
    };
    let not_found = || {
        Ok(Err(vec![FieldError::new(
            &path,
            code::NOT_FOUND,
            "no such promotion rule",
        )]))
    };
    let Ok(owner) = owner(promotion_id) else {
        return not_found();
    };
    let rows: Vec<PromotionRule> = Sql::with_binds(
        "SELECT * FROM promotion_rules WHERE merchant_id = $1 AND id = $2 FOR UPDATE",
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    let Some(row) = rows
        .into_iter()
        .next()
        .filter(|r| owner.is_none_or(|o| o == r.promotion_id))
    else {
        return not_found();
    };
    let root = Path::input();
    let mut errors = Errors::default();
    if patch
        .kind
        .as_deref()
        .is_some_and(|k| k.trim().to_lowercase() != row.kind)
    {
        errors.add(
            &root.key("kind"),
            code::IMMUTABLE,
            "the kind of a rule cannot change: remove it and add another",
        );
        return Ok(Err(errors.0));
    }
    let mut merged = current(&row);
    merged.amount_min = patch.amount_min.apply(merged.amount_min);
    merged.amount_max = patch.amount_max.apply(merged.amount_max);
    let or = |new: &Option<String>, old: Option<String>| new.clone().or(old);
    merged.match_policy = or(&patch.match_policy, merged.match_policy);
    merged.currency = or(&patch.currency, merged.currency);
    merged.product_ids = patch.product_ids.clone().or(merged.product_ids);
    merged.customer_ids = patch.customer_ids.clone().or(merged.customer_ids);
    merged.customer_group_ids = patch
        .customer_group_ids
        .clone()
        .or(merged.customer_group_ids);
    let mut refs = Refs::default();
    let new = input::rule(&mut errors, &mut refs, &root, &merged);
    refs.check(conn, merchant_id, &mut errors).await?;
    match new {
        Some(r) if errors.is_empty() => {
            let r = NewRule {
                id: Some(row.id),
                ..r
            };
            input::update_rules(conn, merchant_id, row.promotion_id, &[r]).await?;
            touch(conn, merchant_id, row.promotion_id).await?;
            Ok(Ok((row.promotion_id, row.id)))
        }
        _ => Ok(Err(errors.0)),
    }
}
