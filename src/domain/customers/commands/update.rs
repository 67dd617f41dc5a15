//! Updating customers in bulk.

use std::collections::{HashMap, HashSet};

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::checks::{check_unique, lock, results, writable};
use super::create::{replace_groups, tags_json};
use super::input::{decode_groups, decode_item_ids, validate_fields, CustomerInput, Row};
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{
    check_batch_size, code, ErrorPolicy, Errors, ItemResult, Path, MAX_BULK,
};
use crate::error::Result;

/// Updates customers; omitted fields keep their values. Must run inside a transaction.
pub async fn update_many(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    inputs: &[CustomerInput],
    policy: ErrorPolicy,
) -> Result<Vec<ItemResult>> {
    check_batch_size(inputs.len(), MAX_BULK, "customers")?;
    let root = Path::input();
    let mut errors: Vec<Errors> = inputs.iter().map(|_| Errors::default()).collect();
    let keys = decode_item_ids(inputs, &root, &mut errors);
    let current = lock(conn, merchant_id, keys.iter().flatten().copied().collect()).await?;
    let mut seen_ids = HashSet::new();
    let mut rows = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let path = root.index(i);
        let v = validate_fields(&mut errors[i], &path, input);
        let groups = decode_groups(
            &mut errors[i],
            &path.key("customer_group_ids"),
            &input.customer_group_ids,
        );
        let Some(key) = keys[i] else { continue };
        if !seen_ids.insert(key) {
            errors[i].add(
                &path.key("id"),
                code::DUPLICATE_IN_REQUEST,
                "the same customer is updated twice in this request",
            );
            continue;
        }
        let Some(c) = current.get(&key) else {
            errors[i].add(&path.key("id"), code::NOT_FOUND, "no such customer");
            continue;
        };
        if let Some(expected) = input.expected_updated_at {
            if c.updated_at.timestamp_micros() != expected.timestamp_micros() {
                errors[i].add(
                    &path.key("expected_updated_at"),
                    code::CONFLICT,
                    format!(
                        "the customer changed at {}; reload it and retry",
                        c.updated_at.to_rfc3339()
                    ),
                );
            }
        }
        rows.push(Row {
            index: i,
            id: Some(key),
            email: v.email.clone().unwrap_or_else(|| c.email.clone()),
            first_name: v.first_name.apply(c.first_name.clone()),
            last_name: v.last_name.apply(c.last_name.clone()),
            phone: v.phone.apply(c.phone.clone()),
            accepts_marketing: v.accepts_marketing.unwrap_or(c.accepts_marketing),
            tags: v.tags.clone().unwrap_or_else(|| c.tags.clone()),
            metadata: v.metadata.clone().unwrap_or_else(|| c.metadata.clone()),
            external_id: v.external_id.apply(c.external_id.clone()),
            notes: v.notes.apply(c.notes.clone()),
            groups,
        });
    }
    check_unique(conn, merchant_id, &rows, &mut errors, &root).await?;
    let mut written = HashMap::new();
    if writable(&errors, policy) {
        let ok: Vec<&Row> = rows.iter().filter(|r| errors[r.index].is_empty()).collect();
        if !ok.is_empty() {
            update_rows(conn, merchant_id, &ok).await?;
            for r in &ok {
                if let Some(id) = r.id {
                    written.insert(r.index, id);
                }
            }
            let pairs: Vec<(i64, Vec<i64>)> = ok
                .iter()
                .filter_map(|r| Some((r.id?, r.groups.clone()?)))
                .collect();
            replace_groups(conn, merchant_id, &pairs).await?;
        }
    }
    Ok(results(errors, &written))
}

/// One UPDATE … FROM unnest(…) for all rows.
pub(super) async fn update_rows(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    rows: &[&Row],
) -> Result<()> {
    let col = |f: fn(&Row) -> Option<String>| Bind::OptTexts(rows.iter().map(|r| f(r)).collect());
    Sql::with_binds(
        include_str!("update_many.sql"),
        vec![
            Bind::I64(merchant_id),
            Bind::I64s(rows.iter().filter_map(|r| r.id).collect()),
            col(|r| Some(r.email.clone())),
            col(|r| r.first_name.clone()),
            col(|r| r.last_name.clone()),
            col(|r| r.phone.clone()),
            Bind::Bools(rows.iter().map(|r| r.accepts_marketing).collect()),
            col(tags_json),
            col(|r| Some(r.metadata.to_string())),
            col(|r| r.external_id.clone()),
            col(|r| r.notes.clone()),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}
