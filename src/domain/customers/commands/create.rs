//! Creating customers in bulk, and replacing their group membership.

use std::collections::HashMap;

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::checks::{check_unique, results, writable, KeyText};
use super::input::{decode_groups, validate_fields, CustomerInput, Row};
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{
    check_batch_size, code, ErrorPolicy, Errors, ItemResult, Path, MAX_BULK,
};
use crate::error::{Error, Result};

/// Creates customers. Must run inside a transaction.
pub async fn create_many(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    inputs: &[CustomerInput],
    policy: ErrorPolicy,
) -> Result<Vec<ItemResult>> {
    check_batch_size(inputs.len(), MAX_BULK, "customers")?;
    let root = Path::input();
    let mut errors: Vec<Errors> = inputs.iter().map(|_| Errors::default()).collect();
    let mut rows = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let path = root.index(i);
        let v = validate_fields(&mut errors[i], &path, input);
        if v.email.is_none() {
            errors[i].add(&path.key("email"), code::REQUIRED, "is required");
        }
        let groups = decode_groups(
            &mut errors[i],
            &path.key("customer_group_ids"),
            &input.customer_group_ids,
        );
        rows.push(Row {
            index: i,
            id: None,
            email: v.email.clone().unwrap_or_default(),
            first_name: v.first_name.apply(None),
            last_name: v.last_name.apply(None),
            phone: v.phone.apply(None),
            accepts_marketing: v.accepts_marketing.unwrap_or(false),
            tags: v.tags.clone().unwrap_or_default(),
            metadata: v.metadata.clone().unwrap_or_else(|| serde_json::json!({})),
            external_id: v.external_id.apply(None),
            notes: v.notes.apply(None),
            groups,
        });
    }
    check_unique(conn, merchant_id, &rows, &mut errors, &root).await?;
    let mut written = HashMap::new();
    if writable(&errors, policy) {
        let ok: Vec<&Row> = rows.iter().filter(|r| errors[r.index].is_empty()).collect();
        if !ok.is_empty() {
            let ids = insert_rows(conn, merchant_id, &ok).await?;
            for (r, id) in ok.iter().zip(ids) {
                written.insert(r.index, id);
            }
            let pairs: Vec<(i64, Vec<i64>)> = ok
                .iter()
                .filter_map(|r| Some((written[&r.index], r.groups.clone()?)))
                .collect();
            replace_groups(conn, merchant_id, &pairs).await?;
        }
    }
    Ok(results(errors, &written))
}

#[derive(QueryableByName)]
pub(super) struct Id {
    #[diesel(sql_type = sql_types::BigInt)]
    pub(super) id: i64,
}

pub(super) fn tags_json(r: &Row) -> Option<String> {
    Some(serde_json::Value::from(r.tags.clone()).to_string())
}

/// One INSERT for all rows (arrays unnested in order); returns their ids in input order.
pub(super) async fn insert_rows(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    rows: &[&Row],
) -> Result<Vec<i64>> {
    let col = |f: fn(&Row) -> Option<String>| Bind::OptTexts(rows.iter().map(|r| f(r)).collect());
    let sql = Sql::with_binds(
        include_str!("insert_many.sql"),
        vec![
            Bind::I64(merchant_id),
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
    );
    // Emails are unique within the request (checked above), so they map ids back to rows.
    let ids: Vec<KeyText> = sql.into_query().load(conn).await?;
    let by_email: HashMap<String, i64> = ids.into_iter().map(|r| (r.key, r.id)).collect();
    rows.iter()
        .map(|r| {
            by_email
                .get(&r.email.to_lowercase())
                .copied()
                .ok_or_else(|| Error::internal("inserted customer not returned"))
        })
        .collect()
}

/// Sets the groups of each customer to exactly the given ones.
pub(super) async fn replace_groups(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    pairs: &[(i64, Vec<i64>)],
) -> Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let customers: Vec<i64> = pairs.iter().map(|(c, _)| *c).collect();
    Sql::with_binds(
        "DELETE FROM customer_group_memberships WHERE merchant_id = $1 AND customer_id = ANY($2)",
        vec![Bind::I64(merchant_id), Bind::I64s(customers)],
    )
    .into_query()
    .execute(conn)
    .await?;
    let (cs, gs): (Vec<i64>, Vec<i64>) = pairs
        .iter()
        .flat_map(|(c, g)| g.iter().map(move |g| (*c, *g)))
        .unzip();
    if !cs.is_empty() {
        Sql::with_binds(
            "INSERT INTO customer_group_memberships (merchant_id, customer_id, customer_group_id) \
             SELECT $1, c, g FROM unnest($2::bigint[], $3::bigint[]) AS t(c, g) ON CONFLICT DO NOTHING",
            vec![Bind::I64(merchant_id), Bind::I64s(cs), Bind::I64s(gs)],
        )
        .into_query()
        .execute(conn)
        .await?;
    }
    Ok(())
}
