//! Customer writes: bulk create / update / delete, tags and group membership. Every command
//! validates all items first (field errors with paths), then writes the valid ones in one
//! transaction with multi-row statements. Under `RejectEverything` nothing is written when any
//! item fails.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use super::models::Customer;
use crate::db::sql::{Bind, Sql};
use crate::domain::filter;
use crate::domain::validate::{
    check_batch_size, code, ErrorPolicy, Errors, FieldError, ItemResult, Patch, Path, MAX_BULK,
};
use crate::error::{Error, Result};
use crate::ids::{self, Kind};

const MAX_TAGS: usize = 250;

/// One customer to create or change. For an update, `id` names it and `Keep` leaves a field.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CustomerInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub email: Option<String>,
    #[serde(serialize_with = "ser_patch")]
    pub first_name: Patch<String>,
    #[serde(serialize_with = "ser_patch")]
    pub last_name: Patch<String>,
    #[serde(serialize_with = "ser_patch")]
    pub phone: Patch<String>,
    pub accepts_marketing: Option<bool>,
    pub tags: Option<Vec<String>>,
    pub metadata: Option<serde_json::Value>,
    #[serde(serialize_with = "ser_patch")]
    pub external_id: Patch<String>,
    #[serde(serialize_with = "ser_patch")]
    pub notes: Patch<String>,
    /// Replaces the customer's groups when given.
    pub customer_group_ids: Option<Vec<String>>,
    /// Refuse the update with CONFLICT when the customer changed after this time.
    pub expected_updated_at: Option<DateTime<Utc>>,
}

fn ser_patch<S: serde::Serializer>(
    p: &Patch<String>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match p {
        Patch::Keep => s.serialize_str("\u{0}keep"),
        Patch::Set(v) => s.serialize_some(v),
        Patch::Clear => s.serialize_none(),
    }
}

/// A validated row, ready to write.
#[derive(Debug, Clone)]
struct Row {
    index: usize,
    id: Option<i64>,
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    accepts_marketing: bool,
    tags: Vec<String>,
    metadata: serde_json::Value,
    external_id: Option<String>,
    notes: Option<String>,
    groups: Option<Vec<i64>>,
}

fn check_optional_text(
    errors: &mut Errors,
    path: &Path,
    patch: &Patch<String>,
    max: usize,
) -> Patch<String> {
    match patch {
        Patch::Set(v) => {
            let v = v.trim().to_owned();
            if v.is_empty() {
                Patch::Clear
            } else {
                errors.length(path, &v, 1, max);
                Patch::Set(v)
            }
        }
        other => other.clone(),
    }
}

/// Normalises and validates tags: trimmed, 1–64 characters, deduplicated, at most 250.
pub fn normalize_tags(errors: &mut Errors, path: &Path, tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, t) in tags.iter().enumerate() {
        let t = t.trim();
        if errors.length(&path.index(i), t, 1, 64) && !out.iter().any(|x| x == t) {
            out.push(t.to_owned());
        }
    }
    if out.len() > MAX_TAGS {
        errors.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_TAGS} tags"),
        );
    }
    out
}

fn validate_fields(errors: &mut Errors, path: &Path, input: &CustomerInput) -> CustomerInput {
    let mut out = input.clone();
    if let Some(email) = &input.email {
        let email = email.trim().to_owned();
        errors.email(&path.key("email"), &email);
        out.email = Some(email);
    }
    out.first_name = check_optional_text(errors, &path.key("first_name"), &input.first_name, 100);
    out.last_name = check_optional_text(errors, &path.key("last_name"), &input.last_name, 100);
    out.notes = check_optional_text(errors, &path.key("notes"), &input.notes, 5000);
    out.phone = check_optional_text(errors, &path.key("phone"), &input.phone, 32);
    if let Patch::Set(p) = &out.phone {
        let ok = p
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
            && p.chars().filter(char::is_ascii_digit).count() >= 4;
        if !ok {
            errors.add(
                &path.key("phone"),
                code::INVALID,
                "is not a valid phone number",
            );
        }
    }
    out.external_id =
        check_optional_text(errors, &path.key("external_id"), &input.external_id, 100);
    if let Some(tags) = &input.tags {
        out.tags = Some(normalize_tags(errors, &path.key("tags"), tags));
    }
    if let Some(m) = &input.metadata {
        if !m.is_object() {
            errors.add(
                &path.key("metadata"),
                code::INVALID,
                "must be a JSON object",
            );
        } else if m.to_string().len() > 16_384 {
            errors.add(
                &path.key("metadata"),
                code::TOO_LONG,
                "must be at most 16 KiB of JSON",
            );
        }
    }
    out
}

fn decode_groups(
    errors: &mut Errors,
    path: &Path,
    ids_in: &Option<Vec<String>>,
) -> Option<Vec<i64>> {
    let list = ids_in.as_ref()?;
    let mut out = Vec::new();
    for (i, id) in list.iter().enumerate() {
        match ids::decode(Kind::CustomerGroup, id) {
            Ok(k) if !out.contains(&k) => out.push(k),
            Ok(_) => {}
            Err(e) => errors.add(&path.index(i), code::INVALID, e.to_string()),
        }
    }
    Some(out)
}

#[derive(QueryableByName)]
struct KeyText {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = sql_types::Text)]
    key: String,
}

/// Existing (id, key) pairs of `column_sql` among `values`, for uniqueness checks.
async fn existing(
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

async fn existing_group_ids(
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
async fn check_unique(
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

fn results(errors: Vec<Errors>, written: &HashMap<usize, i64>) -> Vec<ItemResult> {
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
fn writable(errors: &[Errors], policy: ErrorPolicy) -> bool {
    policy == ErrorPolicy::RejectFailedRows || errors.iter().all(Errors::is_empty)
}

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
struct Id {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
}

fn tags_json(r: &Row) -> Option<String> {
    Some(serde_json::Value::from(r.tags.clone()).to_string())
}

/// One INSERT for all rows (arrays unnested in order); returns their ids in input order.
async fn insert_rows(
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
async fn replace_groups(
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

/// Decodes the `id` of every item; a missing or bad ID is an item error.
fn decode_item_ids(
    inputs: &[CustomerInput],
    root: &Path,
    errors: &mut [Errors],
) -> Vec<Option<i64>> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let path = root.index(i).key("id");
            match input
                .id
                .as_deref()
                .map(|id| ids::decode(Kind::Customer, id))
            {
                None => {
                    errors[i].add(&path, code::REQUIRED, "is required");
                    None
                }
                Some(Err(e)) => {
                    errors[i].add(&path, code::INVALID, e.to_string());
                    None
                }
                Some(Ok(k)) => Some(k),
            }
        })
        .collect()
}

/// Locks and loads the merchant's customers among `ids`.
async fn lock(
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
async fn update_rows(conn: &mut AsyncPgConnection, merchant_id: i64, rows: &[&Row]) -> Result<()> {
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

#[derive(QueryableByName)]
struct Blocked {
    #[diesel(sql_type = sql_types::BigInt)]
    customer_id: i64,
}

/// Deletes customers. A customer with completed (or returned) orders is refused with
/// HAS_COMPLETED_ORDERS: its order history must stay attributable. Drafts and canceled orders
/// are kept, detached from the customer. Must run inside a transaction.
pub async fn delete_many(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    public_ids: &[String],
    policy: ErrorPolicy,
) -> Result<Vec<ItemResult>> {
    check_batch_size(public_ids.len(), MAX_BULK, "customers")?;
    let root = Path::input();
    let mut errors: Vec<Errors> = public_ids.iter().map(|_| Errors::default()).collect();
    let keys: Vec<Option<i64>> = public_ids
        .iter()
        .enumerate()
        .map(|(i, id)| match ids::decode(Kind::Customer, id) {
            Ok(k) => Some(k),
            Err(e) => {
                errors[i].add(&root.index(i), code::INVALID, e.to_string());
                None
            }
        })
        .collect();
    let all: Vec<i64> = keys.iter().flatten().copied().collect();
    let current = lock(conn, merchant_id, all.clone()).await?;
    let blocked: HashSet<i64> = Sql::with_binds(
        "SELECT DISTINCT customer_id FROM orders WHERE merchant_id = $1 AND customer_id = ANY($2) AND status IN ('complete', 'returned')",
        vec![Bind::I64(merchant_id), Bind::I64s(all)],
    )
    .into_query()
    .load::<Blocked>(conn)
    .await?
    .into_iter()
    .map(|b| b.customer_id)
    .collect();
    for (i, key) in keys.iter().enumerate() {
        let Some(k) = key else { continue };
        if !current.contains_key(k) {
            errors[i].add(&root.index(i), code::NOT_FOUND, "no such customer");
        } else if blocked.contains(k) {
            errors[i].add(
                &root.index(i),
                code::HAS_COMPLETED_ORDERS,
                "the customer has completed orders and cannot be deleted",
            );
        }
    }
    let mut written = HashMap::new();
    if writable(&errors, policy) {
        let ok: Vec<(usize, i64)> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| Some((i, (*k)?)))
            .filter(|(i, _)| errors[*i].is_empty())
            .collect();
        let ids: Vec<i64> = ok.iter().map(|(_, k)| *k).collect();
        if !ids.is_empty() {
            Sql::with_binds(
                "UPDATE orders SET customer_id = NULL, updated_at = now() WHERE merchant_id = $1 AND customer_id = ANY($2)",
                vec![Bind::I64(merchant_id), Bind::I64s(ids.clone())],
            )
            .into_query()
            .execute(conn)
            .await?;
            Sql::with_binds(
                "DELETE FROM customers WHERE merchant_id = $1 AND id = ANY($2)",
                vec![Bind::I64(merchant_id), Bind::I64s(ids)],
            )
            .into_query()
            .execute(conn)
            .await?;
            written.extend(ok);
        }
    }
    Ok(results(errors, &written))
}

/// Adds (or removes) tags on customers in one statement. Unknown IDs are item errors.
pub async fn change_tags(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    public_ids: &[String],
    tags: &[String],
    add: bool,
) -> Result<(Vec<ItemResult>, Vec<FieldError>)> {
    check_batch_size(public_ids.len(), MAX_BULK, "customers")?;
    let mut tag_errors = Errors::default();
    let tags = normalize_tags(&mut tag_errors, &Path::field("tags"), tags);
    if tags.is_empty() && tag_errors.is_empty() {
        tag_errors.add(
            &Path::field("tags"),
            code::REQUIRED,
            "give at least one tag",
        );
    }
    let root = Path::input();
    let mut errors: Vec<Errors> = public_ids.iter().map(|_| Errors::default()).collect();
    let keys: Vec<Option<i64>> = public_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            ids::decode(Kind::Customer, id)
                .map_err(|e| errors[i].add(&root.index(i), code::INVALID, e.to_string()))
                .ok()
        })
        .collect();
    if !tag_errors.is_empty() || errors.iter().any(|e| !e.is_empty()) {
        return Ok((results(errors, &HashMap::new()), tag_errors.0));
    }
    let sql = if add {
        "UPDATE customers SET tags = ARRAY(SELECT DISTINCT unnest(tags || $3::text[]) ORDER BY 1), updated_at = now() \
         WHERE merchant_id = $1 AND id = ANY($2) RETURNING id"
    } else {
        "UPDATE customers SET tags = ARRAY(SELECT t FROM unnest(tags) AS t WHERE NOT t = ANY($3::text[])), updated_at = now() \
         WHERE merchant_id = $1 AND id = ANY($2) RETURNING id"
    };
    let changed: HashSet<i64> = Sql::with_binds(
        sql,
        vec![
            Bind::I64(merchant_id),
            Bind::I64s(keys.iter().flatten().copied().collect()),
            Bind::Texts(tags),
        ],
    )
    .into_query()
    .load::<Id>(conn)
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect();
    let mut written = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        match k {
            Some(k) if changed.contains(k) => {
                written.insert(i, *k);
            }
            _ => errors[i].add(&root.index(i), code::NOT_FOUND, "no such customer"),
        }
    }
    Ok((results(errors, &written), Vec::new()))
}
