//! Rules and actions added or removed one at a time.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::input::{self, ActionInput, Refs, RuleInput, MAX_PER_PROMOTION};
use super::lock::{find_for_update, PromotionOf};
use super::WrittenChild;
use crate::db::sql::{Bind, Count, Sql};
use crate::domain::validate::{code, Errors, FieldError, Path};
use crate::error::Result;
use crate::ids::{self, Kind};

pub(super) async fn touch(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: i64,
) -> Result<()> {
    Sql::with_binds(
        "UPDATE promotions SET updated_at = now() WHERE merchant_id = $1 AND id = $2",
        vec![Bind::I64(merchant_id), Bind::I64(promotion_id)],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn children_count(
    conn: &mut AsyncPgConnection,
    table: &'static str,
    merchant_id: i64,
    promotion_id: i64,
) -> Result<i64> {
    let rows: Vec<Count> = Sql::from_parts(
        &[
            "SELECT count(*) AS count FROM ",
            table,
            " WHERE merchant_id = $1 AND promotion_id = $2",
        ],
        vec![Bind::I64(merchant_id), Bind::I64(promotion_id)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().map(|c| c.count).unwrap_or(0))
}

/// Adds one rule to a promotion (field paths under `input`); the promotion's and the rule's keys.
pub async fn add_rule(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: &str,
    rule: &RuleInput,
) -> Result<WrittenChild> {
    let p = match find_for_update(
        conn,
        merchant_id,
        promotion_id,
        &Path::field("promotion_id"),
    )
    .await?
    {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    let root = Path::input();
    let mut errors = Errors::default();
    if children_count(conn, "promotion_rules", merchant_id, p.id).await? >= MAX_PER_PROMOTION as i64
    {
        errors.add(
            &Path::field("promotion_id"),
            code::LIMIT_EXCEEDED,
            format!("a promotion has at most {MAX_PER_PROMOTION} rules"),
        );
        return Ok(Err(errors.0));
    }
    let mut refs = Refs::default();
    if rule.id.is_some() {
        errors.add(&root.key("id"), code::INVALID, "a new rule has no id");
    }
    let new = input::rule(&mut errors, &mut refs, &root, rule);
    refs.check(conn, merchant_id, &mut errors).await?;
    match new {
        Some(r) if errors.is_empty() => {
            let keys = input::insert_rules(conn, merchant_id, p.id, &[r]).await?;
            touch(conn, merchant_id, p.id).await?;
            Ok(Ok((p.id, keys.into_iter().next().unwrap_or_default())))
        }
        _ => Ok(Err(errors.0)),
    }
}

/// Adds one action to a promotion (field paths under `input`); the promotion's and the
/// action's keys.
pub async fn add_action(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    promotion_id: &str,
    action: &ActionInput,
) -> Result<WrittenChild> {
    let p = match find_for_update(
        conn,
        merchant_id,
        promotion_id,
        &Path::field("promotion_id"),
    )
    .await?
    {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    let root = Path::input();
    let mut errors = Errors::default();
    if children_count(conn, "promotion_actions", merchant_id, p.id).await?
        >= MAX_PER_PROMOTION as i64
    {
        errors.add(
            &Path::field("promotion_id"),
            code::LIMIT_EXCEEDED,
            format!("a promotion has at most {MAX_PER_PROMOTION} actions"),
        );
        return Ok(Err(errors.0));
    }
    let mut refs = Refs::default();
    if action.id.is_some() {
        errors.add(&root.key("id"), code::INVALID, "a new action has no id");
    }
    let new = input::action(&mut errors, &mut refs, &root, action);
    refs.check(conn, merchant_id, &mut errors).await?;
    match new {
        Some(a) if errors.is_empty() => {
            let keys = input::insert_actions(conn, merchant_id, p.id, &[a]).await?;
            touch(conn, merchant_id, p.id).await?;
            Ok(Ok((p.id, keys.into_iter().next().unwrap_or_default())))
        }
        _ => Ok(Err(errors.0)),
    }
}

/// The key of `promotion_id` when given: the promotion a rule or action must belong to.
/// Malformed is `Err` (the child is then "not found": it is not that promotion's).
pub(super) fn owner(promotion_id: Option<&str>) -> std::result::Result<Option<i64>, ()> {
    match promotion_id {
        None => Ok(None),
        Some(raw) => ids::decode(Kind::Promotion, raw).map(Some).map_err(|_| ()),
    }
}

/// Removes a rule (`prr_…`) or an action (`pra_…`) of `promotion_id` when given; the
/// promotion's and the removed row's keys.
pub async fn remove_child(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    kind: Kind,
    id: &str,
    promotion_id: Option<&str>,
) -> Result<WrittenChild> {
    let path = Path::field("id");
    let key = match ids::decode(kind, id) {
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
            format!("no such {}", kind.noun()),
        )]))
    };
    let Ok(owner) = owner(promotion_id) else {
        return not_found();
    };
    let table = if kind == Kind::PromotionRule {
        "promotion_rules"
    } else {
        "promotion_actions"
    };
    let rows: Vec<PromotionOf> = Sql::from_parts(
        &[
            "DELETE FROM ",
            table,
            " WHERE merchant_id = $1 AND id = $2 AND ($3 = 0 OR promotion_id = $3) \
             RETURNING promotion_id",
        ],
        vec![
            Bind::I64(merchant_id),
            Bind::I64(key),
            Bind::I64(owner.unwrap_or(0)),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    match rows.into_iter().next() {
        Some(r) => {
            touch(conn, merchant_id, r.promotion_id).await?;
            Ok(Ok((r.promotion_id, key)))
        }
        None => not_found(),
    }
}
