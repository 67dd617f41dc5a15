//! A price list's rules as a whole (Spree's "save the whole thing" `rules:`): every rule given
//! with an `id` is that rule, changed in place (it keeps its id and creation time); every rule
//! without one is new; the list's rules not given are removed. All checked before anything is
//! written; the writes are one UPDATE, one DELETE and one INSERT at most.

use std::collections::{HashMap, HashSet};

use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::rules::{self, RuleInput, ValidRule, MAX_RULES};
use crate::db::sql::{Bind, Sql};
use crate::domain::filter;
use crate::domain::pricing::PriceRule;
use crate::domain::validate::{code, Errors, Path};
use crate::error::Result;
use crate::ids::{self, Kind};

/// One rule of the list's new set: an existing rule (`id`, `prule_…`) or a new one.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RuleChange {
    pub id: Option<String>,
    pub rule: RuleInput,
}

/// The checked plan: which rules change, which are new, which go.
pub struct Reconcile {
    updates: Vec<(i64, ValidRule)>,
    inserts: Vec<ValidRule>,
    removed: Vec<i64>,
}

impl Reconcile {
    /// Whether applying it changes nothing.
    pub fn is_noop(&self) -> bool {
        self.updates.is_empty() && self.inserts.is_empty() && self.removed.is_empty()
    }
}

/// Checks `changes` as the whole new rule set of list `list_id`; errors are added under
/// `root` (`input.rules`), each at its item (`input.rules.2.id`).
pub async fn check(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    list_id: i64,
    changes: &[RuleChange],
    root: &Path,
    errors: &mut Errors,
) -> Result<Reconcile> {
    if changes.len() > MAX_RULES {
        errors.add(
            root,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_RULES} rules"),
        );
    }
    let existing: Vec<PriceRule> = filter::by_parents(conn, merchant_id, &[list_id]).await?;
    let by_id: HashMap<i64, &PriceRule> = existing.iter().map(|r| (r.id, r)).collect();
    let mut seen_ids: HashSet<i64> = HashSet::new();
    let mut checked: Vec<(Path, Option<i64>, ValidRule)> = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let path = root.index(i);
        let key = match &change.id {
            None => None,
            Some(id) => match ids::decode(Kind::PriceRule, id) {
                Err(e) => {
                    errors.add(&path.key("id"), code::INVALID, e.to_string());
                    continue;
                }
                Ok(k) if !by_id.contains_key(&k) => {
                    errors.add(
                        &path.key("id"),
                        code::NOT_FOUND,
                        "no such rule on this price list",
                    );
                    continue;
                }
                Ok(k) if !seen_ids.insert(k) => {
                    errors.add(
                        &path.key("id"),
                        code::DUPLICATE_IN_REQUEST,
                        "the same rule is given twice",
                    );
                    continue;
                }
                Ok(k) => Some(k),
            },
        };
        if let Some(valid) = rules::check(errors, &path, &change.rule) {
            checked.push((path, key, valid));
        }
    }
    let pairs: Vec<(Path, &ValidRule)> = checked.iter().map(|(p, _, r)| (p.clone(), r)).collect();
    // The new set replaces the old one, so only its own items can repeat each other.
    rules::check_duplicates(&pairs, &[], errors);
    rules::check_references(conn, merchant_id, &pairs, errors).await?;
    let mut plan = Reconcile {
        updates: Vec::new(),
        inserts: Vec::new(),
        removed: existing
            .iter()
            .map(|r| r.id)
            .filter(|id| !seen_ids.contains(id))
            .collect(),
    };
    for (_, key, rule) in checked {
        match key {
            Some(k) => {
                if by_id.get(&k).is_some_and(|old| !rule.unchanged(old)) {
                    plan.updates.push((k, rule));
                }
            }
            None => plan.inserts.push(rule),
        }
    }
    Ok(plan)
}

/// Writes a checked plan (inside the caller's transaction).
pub async fn apply(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    list_id: i64,
    plan: &Reconcile,
) -> Result<()> {
    if !plan.removed.is_empty() {
        Sql::with_binds(
            "DELETE FROM price_rules WHERE merchant_id = $1 AND price_list_id = $2 AND id = ANY($3)",
            vec![
                Bind::I64(merchant_id),
                Bind::I64(list_id),
                Bind::I64s(plan.removed.clone()),
            ],
        )
        .into_query()
        .execute(conn)
        .await?;
    }
    if !plan.updates.is_empty() {
        let valid: Vec<&ValidRule> = plan.updates.iter().map(|(_, r)| r).collect();
        let keys: Vec<i64> = plan.updates.iter().map(|(k, _)| *k).collect();
        let (kinds, groups, channels, customers, quantities, markets) = rules::columns(&valid);
        diesel::sql_query(
            "UPDATE price_rules p SET kind = r.kind, customer_group_ids = r.g::bigint[], \
             channel_ids = r.ch::bigint[], customer_ids = r.cu::bigint[], min_quantity = r.q, \
             market_code = r.m, updated_at = now() \
             FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[]) \
                  AS r(id, kind, g, ch, cu, q, m) \
             WHERE p.merchant_id = $1 AND p.price_list_id = $2 AND p.id = r.id",
        )
        .bind::<BigInt, _>(merchant_id)
        .bind::<BigInt, _>(list_id)
        .bind::<Array<BigInt>, _>(keys)
        .bind::<Array<Text>, _>(kinds)
        .bind::<Array<Text>, _>(groups)
        .bind::<Array<Text>, _>(channels)
        .bind::<Array<Text>, _>(customers)
        .bind::<Array<Nullable<Integer>>, _>(quantities)
        .bind::<Array<Nullable<Text>>, _>(markets)
        .execute(conn)
        .await?;
    }
    let inserts: Vec<&ValidRule> = plan.inserts.iter().collect();
    rules::insert(conn, merchant_id, list_id, &inserts).await?;
    Ok(())
}
