//! Processing a chunk of a customers batch: each row matched to the merchant's customer with
//! its external id, then created, updated (before-image kept) or left as it is, in a handful of
//! multi-row statements whatever the chunk's size.

use std::collections::HashMap;

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use super::input::CustomerImport;
use super::process::{BatchRef, Pending, RowResult};
use crate::db::sql::{Bind, Sql};
use crate::domain::customers::Customer;
use crate::domain::validate::code;
use crate::domain::write::IdText;
use crate::error::Result;

/// A customer matched by external id, locked, with its image as PostgreSQL writes it.
#[derive(QueryableByName)]
struct Existing {
    #[diesel(embed)]
    customer: Customer,
    #[diesel(sql_type = sql_types::Text)]
    image: String,
}

#[derive(QueryableByName)]
struct Written {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    external_id: Option<String>,
    #[diesel(sql_type = sql_types::Text)]
    version: String,
}

/// The columns of a customer an import writes, as `jsonb_to_recordset` reads them.
const COLUMNS: &str = "id bigint, external_id text, email text, first_name text, last_name text, \
     phone text, accepts_marketing boolean, marketing_opt_in_at timestamptz, tags text[], \
     metadata jsonb, notes text, created_at timestamptz, n integer";

/// Whether the customer already holds everything the row gives.
fn same(c: &Customer, r: &CustomerImport) -> bool {
    c.email == r.email
        && c.first_name == r.first_name
        && c.last_name == r.last_name
        && c.phone == r.phone
        && c.accepts_marketing == r.accepts_marketing
        && c.marketing_opt_in_at == r.marketing_opt_in_at
        && c.tags == r.tags
        && Some(&c.metadata) == r.metadata.as_ref()
        && c.notes == r.notes
        && r.created_at.is_none_or(|t| t == c.created_at)
}

/// A row as `jsonb_to_recordset` reads it ([`COLUMNS`]); `n` orders the inserts.
fn record(id: Option<i64>, index: i32, r: &CustomerImport) -> serde_json::Value {
    json!({
        "id": id,
        "n": index,
        "external_id": r.external_id,
        "email": r.email,
        "first_name": r.first_name,
        "last_name": r.last_name,
        "phone": r.phone,
        "accepts_marketing": r.accepts_marketing,
        "marketing_opt_in_at": r.marketing_opt_in_at,
        "tags": r.tags,
        "metadata": r.metadata,
        "notes": r.notes,
        "created_at": r.created_at,
    })
}

pub async fn process(
    conn: &mut AsyncPgConnection,
    b: &BatchRef,
    pending: Vec<Pending>,
) -> Result<Vec<RowResult>> {
    let mut results = Vec::with_capacity(pending.len());
    let mut rows: Vec<(i32, CustomerImport)> = Vec::with_capacity(pending.len());
    for p in pending {
        match p.input.map(serde_json::from_value::<CustomerImport>) {
            Some(Ok(r)) => rows.push((p.row_index, r)),
            _ => results.push(RowResult::error(
                p.row_index,
                "external_id",
                code::INVALID,
                "the staged row cannot be read",
            )),
        }
    }
    let merchant = Bind::I64(b.merchant_id);
    // The customers the rows name, locked (in key order) until the chunk commits.
    let existing: Vec<Existing> = Sql::with_binds(
        "SELECT c.*, to_jsonb(c)::text AS image FROM customers c \
         WHERE c.merchant_id = $1 AND c.external_id = ANY($2) ORDER BY c.id FOR UPDATE",
        vec![
            merchant.clone(),
            Bind::Texts(rows.iter().map(|(_, r)| r.external_id.clone()).collect()),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let by_external: HashMap<&str, &Existing> = existing
        .iter()
        .filter_map(|e| Some((e.customer.external_id.as_deref()?, e)))
        .collect();
    // Who holds each email now.
    let owners: Vec<IdText> = Sql::with_binds(
        "SELECT id, lower(email) AS value FROM customers \
         WHERE merchant_id = $1 AND lower(email) = ANY($2)",
        vec![
            merchant.clone(),
            Bind::Texts(rows.iter().map(|(_, r)| r.email.to_lowercase()).collect()),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let owner: HashMap<&str, i64> = owners.iter().map(|o| (o.value.as_str(), o.id)).collect();

    let mut updates = Vec::new();
    let mut update_rows: HashMap<i64, (i32, &str)> = HashMap::new();
    let mut creates = Vec::new();
    let mut create_rows: HashMap<&str, i32> = HashMap::new();
    for (index, r) in &rows {
        let matched = by_external.get(r.external_id.as_str()).copied();
        let holder = owner.get(r.email.to_lowercase().as_str()).copied();
        if holder.is_some() && holder != matched.map(|e| e.customer.id) {
            results.push(RowResult::error(
                *index,
                "email",
                code::TAKEN,
                "another customer (without this external id) has this email",
            ));
            continue;
        }
        match matched {
            Some(e) if same(&e.customer, r) => {
                results.push(RowResult::unchanged(*index, e.customer.id))
            }
            Some(e) => {
                updates.push(record(Some(e.customer.id), *index, r));
                update_rows.insert(e.customer.id, (*index, e.image.as_str()));
            }
            None => {
                creates.push(record(None, *index, r));
                create_rows.insert(r.external_id.as_str(), *index);
            }
        }
    }

    if !updates.is_empty() {
        let written: Vec<Written> = Sql::from_parts(
            &[
                "UPDATE customers c SET email = x.email, first_name = x.first_name, \
                 last_name = x.last_name, phone = x.phone, accepts_marketing = x.accepts_marketing, \
                 marketing_opt_in_at = x.marketing_opt_in_at, tags = x.tags, metadata = x.metadata, \
                 notes = x.notes, created_at = coalesce(x.created_at, c.created_at), \
                 migration_batch_id = $2, updated_at = now() \
                 FROM jsonb_to_recordset($3) AS x(",
                COLUMNS,
                ") WHERE c.merchant_id = $1 AND c.id = x.id \
                 RETURNING c.id, c.external_id, migration_customer_version(c) AS version",
            ],
            vec![
                merchant.clone(),
                Bind::I64(b.id),
                Bind::Json(serde_json::Value::Array(updates)),
            ],
        )
        .into_query()
        .load(conn)
        .await?;
        for w in written {
            if let Some((index, image)) = update_rows.remove(&w.id) {
                results.push(RowResult {
                    row_index: index,
                    action: "updated",
                    target_id: Some(w.id),
                    errors: Vec::new(),
                    before_image: Some(image.to_owned()),
                    after_version: Some(w.version),
                });
            }
        }
    }

    if !creates.is_empty() {
        // A concurrent write may take an email or external id after the checks above: that
        // row is skipped (and reported) instead of failing the chunk.
        let written: Vec<Written> = Sql::from_parts(
            &[
                "INSERT INTO customers AS c (merchant_id, email, first_name, last_name, phone, \
                 accepts_marketing, marketing_opt_in_at, tags, metadata, notes, external_id, \
                 migration_batch_id, created_at, updated_at) \
                 SELECT $1, x.email, x.first_name, x.last_name, x.phone, x.accepts_marketing, \
                 x.marketing_opt_in_at, x.tags, x.metadata, x.notes, x.external_id, $2, \
                 coalesce(x.created_at, now()), now() \
                 FROM jsonb_to_recordset($3) AS x(",
                COLUMNS,
                ") ORDER BY x.n \
                 ON CONFLICT DO NOTHING \
                 RETURNING c.id, c.external_id, migration_customer_version(c) AS version",
            ],
            vec![
                merchant,
                Bind::I64(b.id),
                Bind::Json(serde_json::Value::Array(creates)),
            ],
        )
        .into_query()
        .load(conn)
        .await?;
        for w in written {
            let index = w.external_id.as_deref().and_then(|e| create_rows.remove(e));
            if let Some(index) = index {
                results.push(RowResult {
                    row_index: index,
                    action: "created",
                    target_id: Some(w.id),
                    errors: Vec::new(),
                    before_image: None,
                    after_version: Some(w.version),
                });
            }
        }
    }
    for (_, index) in create_rows {
        results.push(RowResult::error(
            index,
            "email",
            code::TAKEN,
            "another customer took this email or external id while the batch ran",
        ));
    }
    for (_, (index, _)) in update_rows {
        results.push(RowResult::error(
            index,
            "external_id",
            code::CONFLICT,
            "the customer changed while the batch ran",
        ));
    }
    results.sort_by_key(|r| r.row_index);
    Ok(results)
}
