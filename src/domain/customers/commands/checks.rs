//! Checks against the database shared by the customer writes (existing rows, unique email
//! and external id, groups), and the per-item results.

use std::collections::{HashMap, HashSet};

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::input::Row;
use crate::db::sql::{Bind, Sql};
use crate::domain::customers::models::Customer;
use crate::domain::filter;
use crate::domain::validate::{code, ErrorPolicy, Errors, ItemResult, Path};
use crate::error::Result;

#[derive(QueryableByName)]
pub(super) struct KeyText {
    #[diesel(sql_type = sql_types::BigInt)]
    pub(super) id: i64,
    #[diesel(sql_type = sql_types::Text)]
    pub(super) key: String,
}

/// Existing (id, key) pairs of `column_sql` among `values`, for uniqueness checks.
pub(super) async fn existing(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    column_sql: &'static str,
    values: Vec<String>,
) -> Result<Vec<(i64, String)>> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let sql = Sql::from_parts(
        &[
            "SELECT id, ",
            column_sql,
            " AS key FROM customers WHERE merchant_id = $1 AND ",
            column_sql,
            " = ANY($2)",
        ],
        vec![Bind::I64(merchant_id), Bind::Texts(values)],
    );
    let rows: Vec<KeyText> = sql.into_query().load(conn).await?;
    Ok(rows.into_iter().map(|r| (r.id, r.key)).collect())
}

pub(super) async fn existing_group_ids(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    ids: Vec<i64>,
) -> Result<HashSet<i64>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<crate::domain::customers::CustomerGroup> =
        filter::by_ids(conn, merchant_id, &ids).await?;
    Ok(rows.into_iter().map(|g| g.id).collect())
}

/// Uniqueness of email (case-insensitive) and external id, within the request and against
/// the merchant's other customers.
pub(super) async fn check_unique(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    rows: &[Row],
    errors: &mut [Errors],
    root: &Path,
) -> Result<()> {
    let mut seen_email: HashMap<String, usize> = HashMap::new();
    let mut seen_ext: HashMap<String, usize> = HashMap::new();
    for r in rows {
        let path = root.index(r.index);
        if let Some(first) = seen_email.insert(r.email.to_lowercase(), r.index) {
            errors[r.index].add(
                &path.key("email"),
                code::DUPLICATE_IN_REQUEST,
                format!("the same email is also given at index {first}"),
            );
        }
        if let Some(ext) = &r.external_id {
            if let Some(first) = seen_ext.insert(ext.clone(), r.index) {
                errors[r.index].add(
                    &path.key("external_id"),
                    code::DUPLICATE_IN_REQUEST,
                    format!("the same externalId is also given at index {first}"),
                );
            }
        }
    }
    let emails = existing(
        conn,
        merchant_id,
        "lower(email)",
        rows.iter().map(|r| r.email.to_lowercase()).collect(),
    )
    .await?;
    let exts = existing(
        conn,
        merchant_id,
        "external_id",
        rows.iter().filter_map(|r| r.external_id.clone()).collect(),
    )
    .await?;
    for r in rows {
        let path = root.index(r.index);
        if emails
            .iter()
            .any(|(id, e)| *e == r.email.to_lowercase() && Some(*id) != r.id)
        {
            errors[r.index].add(
                &path.key("email"),
                code::TAKEN,
                "another customer has this email",
            );
        }
        if let Some(ext) = &r.external_id {
            if exts.iter().any(|(id, e)| e == ext && Some(*id) != r.id) {
                errors[r.index].add(
                    &path.key("external_id"),
                    code::TAKEN,
                    "another customer has this externalId",
                );
            }
        }
    }
    let wanted: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.groups.clone())
        .flatten()
        .collect();
    let found = existing_group_ids(conn, merchant_id, wanted).await?;
    for r in rows {
        for (j, g) in r.groups.iter().flatten().enumerate() {
            if !found.contains(g) {
                errors[r.index].add(
                    &root.index(r.index).key("customer_group_ids").index(j),
                    code::NOT_FOUND,
                    "no such customer group",
                );
            }
        }
    }
    Ok(())
}

pub(super) fn results(errors: Vec<Errors>, written: &HashMap<usize, i64>) -> Vec<ItemResult> {
    errors
        .into_iter()
        .enumerate()
        .map(|(index, e)| ItemResult {
            index,
            id: written.get(&index).copied(),
            errors: e.0,
        })
        .collect()
}

/// Which items may be written under `policy`.
pub(super) fn writable(errors: &[Errors], policy: ErrorPolicy) -> bool {
    policy == ErrorPolicy::RejectFailedRows || errors.iter().all(Errors::is_empty)
}

/// Locks and loads the merchant's customers among `ids`.
pub(super) async fn lock(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    ids: Vec<i64>,
) -> Result<HashMap<i64, Customer>> {
    let rows: Vec<Customer> = Sql::with_binds(
        "SELECT * FROM customers WHERE merchant_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE",
        vec![Bind::I64(merchant_id), Bind::I64s(ids)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|c| (c.id, c)).collect())
}
