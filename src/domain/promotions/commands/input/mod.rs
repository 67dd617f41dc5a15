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
    /// In a promotion update: the rule changed in place (`prr_…`); absent: a new rule.
    pub id: Option<String>,
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
    /// In a promotion update: the action changed in place (`pra_…`); absent: a new action.
    pub id: Option<String>,
    pub kind: String,
    pub calculator: Option<String>,
    pub amount: Option<Decimal>,
    pub percent: Option<Decimal>,
    pub product_ids: Option<Vec<String>>,
}

/// A valid rule, ready for `insert_rules.sql` (serialized as one JSON record).
#[derive(Debug, Clone, Serialize)]
pub struct NewRule {
    /// The existing rule it rewrites (a promotion update), or none for a new row.
    pub id: Option<i64>,
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
    /// The existing action it rewrites (a promotion update), or none for a new row.
    pub id: Option<i64>,
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
            "SELECT 'product' AS kind, id FROM products WHERE merchant_id = $1 AND id = ANY($2) AND deleted_at IS NULL \
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

/// Inserts rules of a promotion in one statement; their new keys, in order.
pub async fn insert_rules(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
    rules: &[NewRule],
) -> Result<Vec<i64>> {
    write_rows(
        conn,
        merchant_id,
        promotion_id,
        rules,
        include_str!("insert_rules.sql"),
    )
    .await
}

/// Inserts actions of a promotion in one statement; their new keys, in order.
pub async fn insert_actions(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
    actions: &[NewAction],
) -> Result<Vec<i64>> {
    write_rows(
        conn,
        merchant_id,
        promotion_id,
        actions,
        include_str!("insert_actions.sql"),
    )
    .await
}

/// Rewrites existing rules of a promotion in place (by `id`; the key and `created_at` stay) in
/// one statement.
pub async fn update_rules(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
    rules: &[NewRule],
) -> Result<Vec<i64>> {
    write_rows(
        conn,
        merchant_id,
        promotion_id,
        rules,
        include_str!("update_rules.sql"),
    )
    .await
}

/// Rewrites existing actions of a promotion in place (by `id`) in one statement.
pub async fn update_actions(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
    actions: &[NewAction],
) -> Result<Vec<i64>> {
    write_rows(
        conn,
        merchant_id,
        promotion_id,
        actions,
        include_str!("update_actions.sql"),
    )
    .await
}

#[derive(QueryableByName)]
struct Key {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
}

/// Runs one of the rule/action statements (`$1` merchant, `$2` promotion, `$3` the rows as a
/// JSON array) and returns the keys it wrote.
async fn write_rows<T: Serialize>(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
    rows: &[T],
    statement: &'static str,
) -> Result<Vec<i64>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let json = serde_json::to_value(rows).map_err(crate::error::Error::internal)?;
    let keys: Vec<Key> = Sql::with_binds(
        statement,
        vec![
            Bind::I64(merchant_id),
            Bind::I64(promotion_id),
            Bind::Json(json),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(keys.into_iter().map(|k| k.id).collect())
}

/// Refuses `id` on rules or actions of a command that only adds them (create, add).
pub fn no_ids<'a>(errors: &mut Errors, path: &Path, ids: impl Iterator<Item = &'a Option<String>>) {
    for (i, id) in ids.enumerate() {
        if id.is_some() {
            errors.add(
                &path.index(i).key("id"),
                code::INVALID,
                "only a promotion update changes an existing rule or action by its id",
            );
        }
    }
}

mod actions;
mod rules;
#[cfg(test)]
mod tests;

pub use actions::{action, actions};
pub use rules::{rule, rules};
