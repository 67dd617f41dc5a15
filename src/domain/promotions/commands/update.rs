//! Updating a promotion.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::create::{match_policy, name, single_code, window_and_limit, PromotionInput};
use super::input::{self, NewAction, NewRule, Refs};
use super::lock::find_for_update;
use super::reconcile;
use super::Written;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, Errors, Path};
use crate::error::Result;
use crate::ids::Kind;

/// A nullable timestamp bind (the builder has none, so NULL is cast from text).
pub(super) fn opt_time(t: Option<DateTime<Utc>>) -> Bind {
    Bind::OptText(t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)))
}

pub(super) fn opt_i32(v: Option<i32>) -> Bind {
    Bind::OptText(v.map(|v| v.to_string()))
}

/// Changes a promotion; `rules` / `actions`, when given, are the desired set: rows with an `id`
/// change in place, rows without one are added, and the others are removed.
pub async fn update(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    input: &PromotionInput,
) -> Result<Written> {
    let root = Path::input();
    let p = match find_for_update(conn, merchant_id, id, &Path::field("id")).await? {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    let mut errors = Errors::default();
    if let Some(at) = input.expected_updated_at {
        if at.timestamp_micros() != p.updated_at.timestamp_micros() {
            errors.add(
                &root.key("expected_updated_at"),
                code::CONFLICT,
                "the promotion changed since; reload it and retry",
            );
            return Ok(Err(errors.0));
        }
    }
    if input
        .kind
        .as_deref()
        .is_some_and(|k| k.trim().to_lowercase() != p.kind)
    {
        errors.add(
            &root.key("kind"),
            code::IMMUTABLE,
            "the kind of a promotion cannot change",
        );
    }
    for (field, present) in [
        ("multi_codes", input.multi_codes.is_some()),
        ("code_prefix", input.code_prefix.is_some()),
        ("number_of_codes", input.number_of_codes.is_some()),
    ] {
        if present {
            errors.add(
                &root.key(field),
                code::INVALID,
                "generate codes with couponCodesGenerate",
            );
        }
    }
    let n = match &input.name {
        Some(raw) => name(&mut errors, &root.key("name"), raw),
        None => p.name.clone(),
    };
    let description = input.description.apply(p.description.clone());
    if let Some(d) = input.description.as_set() {
        errors.length(&root.key("description"), d, 0, 1000);
    }
    let policy = match &input.match_policy {
        Some(raw) => match_policy(&mut errors, &root.key("match_policy"), raw),
        None => p.match_policy.clone(),
    };
    let starts_at = input.starts_at.apply(p.starts_at);
    let expires_at = input.expires_at.apply(p.expires_at);
    let usage_limit = input.usage_limit.apply(p.usage_limit);
    window_and_limit(&mut errors, &root, starts_at, expires_at, usage_limit);
    let mut new_code = None;
    if let Some(raw) = &input.code {
        if p.kind != "coupon_code" || p.multi_codes {
            errors.add(
                &root.key("code"),
                code::INVALID,
                "only a single-code coupon promotion has a code",
            );
        } else {
            new_code = Some(
                single_code(
                    conn,
                    merchant_id,
                    &mut errors,
                    &root.key("code"),
                    raw,
                    Some(p.id),
                )
                .await?,
            );
        }
    }
    let mut refs = Refs::default();
    let rules = match &input.rules {
        Some(list) => {
            let current =
                reconcile::current_keys(conn, "promotion_rules", merchant_id, p.id).await?;
            let path = root.key("rules");
            let keys = reconcile::resolve(
                &mut errors,
                &path,
                Kind::PromotionRule,
                list.iter().map(|r| &r.id),
                &current,
            );
            let valid = input::rules(&mut errors, &mut refs, &path, list);
            Some(
                valid
                    .into_iter()
                    .zip(keys)
                    .map(|(r, id)| NewRule { id, ..r })
                    .collect::<Vec<_>>(),
            )
        }
        None => None,
    };
    let actions = match &input.actions {
        Some(list) => {
            let current =
                reconcile::current_keys(conn, "promotion_actions", merchant_id, p.id).await?;
            let path = root.key("actions");
            let keys = reconcile::resolve(
                &mut errors,
                &path,
                Kind::PromotionAction,
                list.iter().map(|a| &a.id),
                &current,
            );
            let valid = input::actions(&mut errors, &mut refs, &path, list);
            Some(
                valid
                    .into_iter()
                    .zip(keys)
                    .map(|(a, id)| NewAction { id, ..a })
                    .collect::<Vec<_>>(),
            )
        }
        None => None,
    };
    refs.check(conn, merchant_id, &mut errors).await?;
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }

    Sql::with_binds(
        "UPDATE promotions SET name = $3, description = $4, starts_at = $5::timestamptz, \
             expires_at = $6::timestamptz, usage_limit = $7::integer, match_policy = $8, \
             updated_at = now() \
         WHERE merchant_id = $1 AND id = $2",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(p.id),
            Bind::Text(n),
            Bind::OptText(description),
            opt_time(starts_at),
            opt_time(expires_at),
            opt_i32(usage_limit),
            Bind::Text(policy),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    // Zipped with their ids only when every row was valid (an error returned above).
    if let Some(rules) = rules {
        reconcile::rules(conn, merchant_id, p.id, rules).await?;
    }
    if let Some(actions) = actions {
        reconcile::actions(conn, merchant_id, p.id, actions).await?;
    }
    if let Some(c) = new_code {
        // A single-code promotion has one code row: rename it (orders keep pointing at it).
        Sql::with_binds(
            "WITH upd AS (UPDATE coupon_codes SET code = $3, updated_at = now() \
                          WHERE merchant_id = $1 AND promotion_id = $2 RETURNING id) \
             INSERT INTO coupon_codes (merchant_id, promotion_id, code) \
             SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM upd)",
            vec![Bind::I64(merchant_id), Bind::I64(p.id), Bind::Text(c)],
        )
        .into_query()
        .execute(conn)
        .await?;
    }
    Ok(Ok(p.id))
}
