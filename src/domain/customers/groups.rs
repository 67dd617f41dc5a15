//! Customer group writes: create, rename, delete, and membership in bulk.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::models::CustomerGroup;
use crate::db::sql::{Bind, Sql};
use crate::domain::filter;
use crate::domain::validate::{code, Errors, FieldError, ItemResult, Patch, Path, MAX_BULK};
use crate::error::Result;
use crate::ids::{self, Kind};

/// Validates a group name: trimmed, 1–100 characters.
fn name(errors: &mut Errors, path: &Path, raw: &str) -> String {
    let n = raw.trim().to_owned();
    errors.length(path, &n, 1, 100);
    n
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
}

async fn name_taken(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    name: &str,
    except: Option<i64>,
) -> Result<bool> {
    let rows: Vec<Id> = Sql::with_binds(
        "SELECT id FROM customer_groups WHERE merchant_id = $1 AND lower(name) = lower($2) AND id <> $3",
        vec![Bind::I64(merchant_id), Bind::Text(name.to_owned()), Bind::I64(except.unwrap_or(0))],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(!rows.is_empty())
}

/// Creates a group; `Err` holds the field errors.
pub async fn create(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    raw_name: &str,
    description: Option<&str>,
    customer_ids: Option<&[String]>,
) -> Result<std::result::Result<i64, Vec<FieldError>>> {
    let root = Path::input();
    let mut errors = Errors::default();
    let n = name(&mut errors, &root.key("name"), raw_name);
    if let Some(d) = description {
        errors.length(&root.key("description"), d, 0, 1000);
    }
    let members = match customer_ids {
        Some(ids) => Some(
            members(
                conn,
                merchant_id,
                ids,
                &root.key("customer_ids"),
                &mut errors,
            )
            .await?,
        ),
        None => None,
    };
    if errors.is_empty() && name_taken(conn, merchant_id, &n, None).await? {
        errors.add(
            &root.key("name"),
            code::TAKEN,
            "another group has this name",
        );
    }
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let ids: Vec<Id> = Sql::with_binds(
        "INSERT INTO customer_groups (merchant_id, name, description) VALUES ($1, $2, $3) RETURNING id",
        vec![Bind::I64(merchant_id), Bind::Text(n), Bind::OptText(description.map(str::to_owned))],
    )
    .into_query()
    .load(conn)
    .await?;
    let id = ids.into_iter().next().map(|i| i.id).unwrap_or_default();
    if let Some(members) = members {
        replace_members(conn, merchant_id, id, members).await?;
    }
    Ok(Ok(id))
}

/// The customers `ids` names, checked: at most [`MAX_BULK`], each a customer of the merchant
/// (errors at `path[i]`); duplicates count once.
async fn members(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    ids: &[String],
    path: &Path,
    errors: &mut Errors,
) -> Result<Vec<i64>> {
    if ids.len() > MAX_BULK {
        errors.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_BULK} customers"),
        );
        return Ok(Vec::new());
    }
    let mut keys = Vec::with_capacity(ids.len());
    let mut decoded = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        match ids::decode(Kind::Customer, id) {
            Ok(k) => {
                keys.push(k);
                decoded.push((i, k));
            }
            Err(e) => errors.add(&path.index(i), code::INVALID, e.to_string()),
        }
    }
    let existing: HashSet<i64> = filter::by_ids::<super::Customer>(conn, merchant_id, &keys)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    for (i, k) in &decoded {
        if !existing.contains(k) {
            errors.add(&path.index(*i), code::NOT_FOUND, "no such customer");
        }
    }
    keys.sort_unstable();
    keys.dedup();
    Ok(keys)
}

/// Makes `members` exactly the group's members: others leave, new ones join (two statements).
async fn replace_members(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    group_id: i64,
    members: Vec<i64>,
) -> Result<()> {
    Sql::with_binds(
        "DELETE FROM customer_group_memberships WHERE merchant_id = $1 AND customer_group_id = $2 \
         AND NOT (customer_id = ANY($3))",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(group_id),
            Bind::I64s(members.clone()),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    if !members.is_empty() {
        Sql::with_binds(
            "INSERT INTO customer_group_memberships (merchant_id, customer_group_id, customer_id) \
             SELECT $1, $2, unnest($3::bigint[]) ON CONFLICT DO NOTHING",
            vec![
                Bind::I64(merchant_id),
                Bind::I64(group_id),
                Bind::I64s(members),
            ],
        )
        .into_query()
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// Finds a group of the merchant by public ID, as a field error when absent.
async fn find(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    path: &Path,
) -> Result<std::result::Result<CustomerGroup, FieldError>> {
    let key = match ids::decode(Kind::CustomerGroup, id) {
        Ok(k) => k,
        Err(e) => return Ok(Err(FieldError::new(path, code::INVALID, e.to_string()))),
    };
    let rows: Vec<CustomerGroup> = filter::by_ids(conn, merchant_id, &[key]).await?;
    Ok(rows
        .into_iter()
        .next()
        .ok_or_else(|| FieldError::new(path, code::NOT_FOUND, "no such customer group")))
}

/// Finds a group of the merchant by public ID and locks its row until the transaction ends
/// (`FOR NO KEY UPDATE`: concurrent updates of the group wait for each other, while adding
/// members, whose foreign key only takes a key-share lock, does not wait).
async fn lock(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    path: &Path,
) -> Result<std::result::Result<CustomerGroup, FieldError>> {
    let key = match ids::decode(Kind::CustomerGroup, id) {
        Ok(k) => k,
        Err(e) => return Ok(Err(FieldError::new(path, code::INVALID, e.to_string()))),
    };
    let rows: Vec<CustomerGroup> = Sql::with_binds(
        "SELECT * FROM customer_groups WHERE merchant_id = $1 AND id = $2 FOR NO KEY UPDATE",
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .next()
        .ok_or_else(|| FieldError::new(path, code::NOT_FOUND, "no such customer group")))
}

/// Renames / describes a group; `expected_updated_at` guards against lost updates. The group is
/// read locked, so of concurrent updates sent with the same `expected_updated_at` exactly one
/// passes the check: the others wait for its commit, then read its new `updated_at`. Must run
/// inside a transaction.
pub async fn update(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    raw_name: Option<&str>,
    description: Patch<String>,
    expected_updated_at: Option<DateTime<Utc>>,
    customer_ids: Option<&[String]>,
) -> Result<std::result::Result<i64, Vec<FieldError>>> {
    let root = Path::input();
    let group = match lock(conn, merchant_id, id, &Path::field("id")).await? {
        Ok(g) => g,
        Err(e) => return Ok(Err(vec![e])),
    };
    let mut errors = Errors::default();
    if let Some(at) = expected_updated_at {
        if at.timestamp_micros() != group.updated_at.timestamp_micros() {
            errors.add(
                &root.key("expected_updated_at"),
                code::CONFLICT,
                "the group changed since; reload it and retry",
            );
        }
    }
    let new_name = raw_name
        .map(|n| name(&mut errors, &root.key("name"), n))
        .unwrap_or(group.name.clone());
    if errors.is_empty() && name_taken(conn, merchant_id, &new_name, Some(group.id)).await? {
        errors.add(
            &root.key("name"),
            code::TAKEN,
            "another group has this name",
        );
    }
    let members = match customer_ids {
        Some(ids) => Some(
            members(
                conn,
                merchant_id,
                ids,
                &root.key("customer_ids"),
                &mut errors,
            )
            .await?,
        ),
        None => None,
    };
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    if let Some(members) = members {
        replace_members(conn, merchant_id, group.id, members).await?;
    }
    Sql::with_binds(
        "UPDATE customer_groups SET name = $3, description = $4, updated_at = now() WHERE merchant_id = $1 AND id = $2",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(group.id),
            Bind::Text(new_name),
            Bind::OptText(description.apply(group.description.clone())),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(Ok(group.id))
}

/// Deletes a group (memberships and price rules on it go with it).
pub async fn delete(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
) -> Result<std::result::Result<i64, Vec<FieldError>>> {
    let group = match find(conn, merchant_id, id, &Path::field("id")).await? {
        Ok(g) => g,
        Err(e) => return Ok(Err(vec![e])),
    };
    Sql::with_binds(
        "DELETE FROM customer_groups WHERE merchant_id = $1 AND id = $2",
        vec![Bind::I64(merchant_id), Bind::I64(group.id)],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(Ok(group.id))
}

/// Adds (or removes) customers to a group in one statement; unknown customers are item errors.
pub async fn change_members(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    group_id: &str,
    customer_ids: &[String],
    add: bool,
) -> Result<(Vec<ItemResult>, Vec<FieldError>)> {
    let group = match find(conn, merchant_id, group_id, &Path::field("id")).await? {
        Ok(g) => g,
        Err(e) => return Ok((Vec::new(), vec![e])),
    };
    if customer_ids.len() > MAX_BULK {
        return Ok((
            Vec::new(),
            vec![FieldError::new(
                &Path::input(),
                code::LIMIT_EXCEEDED,
                format!("at most {MAX_BULK} customers"),
            )],
        ));
    }
    let root = Path::input();
    let mut results: Vec<ItemResult> = Vec::new();
    let mut keys = Vec::new();
    for (i, id) in customer_ids.iter().enumerate() {
        match ids::decode(Kind::Customer, id) {
            Ok(k) => {
                keys.push(k);
                results.push(ItemResult {
                    index: i,
                    id: Some(k),
                    errors: Vec::new(),
                });
            }
            Err(e) => results.push(ItemResult {
                index: i,
                id: None,
                errors: vec![FieldError::new(
                    &root.index(i),
                    code::INVALID,
                    e.to_string(),
                )],
            }),
        }
    }
    let existing: HashSet<i64> = filter::by_ids::<super::Customer>(conn, merchant_id, &keys)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    for r in results.iter_mut() {
        if let Some(k) = r.id {
            if !existing.contains(&k) {
                r.id = None;
                r.errors.push(FieldError::new(
                    &root.index(r.index),
                    code::NOT_FOUND,
                    "no such customer",
                ));
            }
        }
    }
    let ok: Vec<i64> = results.iter().filter_map(|r| r.id).collect();
    if !ok.is_empty() {
        let sql = if add {
            "INSERT INTO customer_group_memberships (merchant_id, customer_group_id, customer_id) \
             SELECT $1, $2, unnest($3::bigint[]) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM customer_group_memberships WHERE merchant_id = $1 AND customer_group_id = $2 AND customer_id = ANY($3)"
        };
        Sql::with_binds(
            sql,
            vec![Bind::I64(merchant_id), Bind::I64(group.id), Bind::I64s(ok)],
        )
        .into_query()
        .execute(conn)
        .await?;
    }
    Ok((results, Vec::new()))
}
