//! A promotion update's `rules` / `actions` as a desired set: rows that name an existing `id`
//! are rewritten in place (their key and `created_at` stay), rows without one are added, and
//! current rows the set leaves out are removed.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::input::{self, NewAction, NewRule};
use super::lock::Id;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, Errors, Path};
use crate::error::Result;
use crate::ids::{self, Kind};

/// The keys of a promotion's current rules or actions (`table`).
pub(super) async fn current_keys(
    conn: &mut AsyncPgConnection,
    table: &'static str,
    merchant_id: i64,
    promotion_id: i64,
) -> Result<Vec<i64>> {
    let rows: Vec<Id> = Sql::from_parts(
        &[
            "SELECT id FROM ",
            table,
            " WHERE merchant_id = $1 AND promotion_id = $2",
        ],
        vec![Bind::I64(merchant_id), Bind::I64(promotion_id)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// The key each given row names by `id` (None: a new row). An ID that is malformed, not one of
/// the promotion's current rows, or named twice is an error at `[i, "id"]`.
pub(super) fn resolve<'a>(
    errors: &mut Errors,
    path: &Path,
    kind: Kind,
    given: impl Iterator<Item = &'a Option<String>>,
    current: &[i64],
) -> Vec<Option<i64>> {
    let mut seen: Vec<i64> = Vec::new();
    given
        .enumerate()
        .map(|(i, raw)| {
            let raw = raw.as_deref()?;
            let at = path.index(i).key("id");
            match ids::decode(kind, raw) {
                Err(e) => {
                    errors.add(&at, code::INVALID, e.to_string());
                    None
                }
                Ok(k) if !current.contains(&k) => {
                    errors.add(
                        &at,
                        code::NOT_FOUND,
                        format!("no such {} on this promotion", kind.noun()),
                    );
                    None
                }
                Ok(k) if seen.contains(&k) => {
                    errors.add(
                        &at,
                        code::DUPLICATE_IN_REQUEST,
                        format!("the same {} is named twice", kind.noun()),
                    );
                    None
                }
                Ok(k) => {
                    seen.push(k);
                    Some(k)
                }
            }
        })
        .collect()
}

/// Removes the promotion's rows of `table` that `kept` leaves out.
async fn remove_others(
    conn: &mut AsyncPgConnection,
    table: &'static str,
    merchant_id: i64,
    promotion_id: i64,
    kept: Vec<i64>,
) -> Result<()> {
    Sql::from_parts(
        &[
            "DELETE FROM ",
            table,
            " WHERE merchant_id = $1 AND promotion_id = $2 AND id <> ALL($3)",
        ],
        vec![
            Bind::I64(merchant_id),
            Bind::I64(promotion_id),
            Bind::I64s(kept),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes the promotion's rules the desired set `rules` (validated, ids resolved).
pub(super) async fn rules(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
    rules: Vec<NewRule>,
) -> Result<()> {
    let (kept, new): (Vec<NewRule>, Vec<NewRule>) = rules.into_iter().partition(|r| r.id.is_some());
    let keys = kept.iter().filter_map(|r| r.id).collect();
    remove_others(conn, "promotion_rules", merchant_id, promotion_id, keys).await?;
    input::update_rules(conn, merchant_id, promotion_id, &kept).await?;
    input::insert_rules(conn, merchant_id, promotion_id, &new).await?;
    Ok(())
}

/// Makes the promotion's actions the desired set `actions`.
pub(super) async fn actions(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
    actions: Vec<NewAction>,
) -> Result<()> {
    let (kept, new): (Vec<NewAction>, Vec<NewAction>) =
        actions.into_iter().partition(|a| a.id.is_some());
    let keys = kept.iter().filter_map(|a| a.id).collect();
    remove_others(conn, "promotion_actions", merchant_id, promotion_id, keys).await?;
    input::update_actions(conn, merchant_id, promotion_id, &kept).await?;
    input::insert_actions(conn, merchant_id, promotion_id, &new).await?;
    Ok(())
}
