//! Processing a chunk of an orders batch: each row's buyer, channel, store and variants
//! resolved among the merchant's records, then the order matched by external id and created,
//! updated (before-image of the order and, when its lines change, of its lines kept) or left as
//! it is. A handful of multi-row statements whatever the chunk's size; no repricing.

use std::collections::{HashMap, HashSet};

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use serde_json::json;

use super::order_input::StagedOrder;
use super::process::{BatchRef, Pending, RowResult};
use crate::db::sql::{Bind, Sql};
use crate::domain::orders::{LineItem, Order};
use crate::domain::validate::{code, FieldError, Path};
use crate::domain::write::IdText;
use crate::error::Result;

#[derive(QueryableByName)]
struct CustomerRef {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    external_id: Option<String>,
    #[diesel(sql_type = sql_types::Text)]
    email: String,
}

#[derive(QueryableByName)]
struct VariantRef {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    sku: Option<String>,
}

#[derive(QueryableByName)]
struct KindId {
    #[diesel(sql_type = sql_types::Text)]
    kind: String,
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
}

/// An order matched by external id, locked, with the images of it, its lines and the
/// adjustments on its lines, as PostgreSQL writes them.
#[derive(QueryableByName)]
struct Existing {
    #[diesel(embed)]
    order: Order,
    #[diesel(sql_type = sql_types::Text)]
    image: String,
    #[diesel(sql_type = sql_types::Text)]
    lines_image: String,
    #[diesel(sql_type = sql_types::Text)]
    adjustments_image: String,
}

#[derive(QueryableByName)]
struct Written {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    external_id: Option<String>,
}

/// The columns of an order an import writes, as `jsonb_to_recordset` reads them.
const ORDER_COLUMNS: &str = "id bigint, external_id text, number text, status text, \
     payment_status text, fulfillment_status text, store_id bigint, channel_id bigint, \
     customer_id bigint, email text, currency text, item_count integer, item_total numeric, \
     discount_total numeric, tax_total numeric, delivery_total numeric, total numeric, \
     notes text, metadata jsonb, created_at timestamptz, completed_at timestamptz, \
     canceled_at timestamptz, n integer";

/// A row resolved against the merchant's records.
struct Resolved<'a> {
    index: i32,
    row: &'a StagedOrder,
    customer_id: Option<i64>,
    email: Option<String>,
    variants: Vec<i64>,
}

type LineKey = (i64, i32, Decimal, Decimal, Decimal, serde_json::Value);

fn wanted_lines(r: &Resolved) -> Vec<LineKey> {
    r.row
        .line_items
        .iter()
        .zip(&r.variants)
        .map(|(l, v)| {
            (
                *v,
                l.quantity,
                l.price,
                l.discount_total,
                l.total,
                l.metadata.clone(),
            )
        })
        .collect()
}

fn current_lines(lines: &[&LineItem]) -> Vec<LineKey> {
    lines
        .iter()
        .map(|l| {
            (
                l.variant_id,
                l.quantity,
                l.price,
                l.discount_total,
                l.total,
                l.metadata.clone(),
            )
        })
        .collect()
}

/// Whether the order's own fields already are what the row gives.
fn same_header(o: &Order, r: &Resolved) -> bool {
    let s = r.row;
    o.number == s.number
        && o.status == s.status
        && o.payment_status == s.payment_status
        && o.fulfillment_status == s.fulfillment_status
        && o.store_id == s.store_id
        && o.channel_id == s.channel_id
        && o.customer_id == r.customer_id
        && o.email == r.email
        && o.currency == s.currency
        && o.item_count == s.item_count
        && o.item_total == s.item_total
        && o.discount_total == s.discount_total
        && o.tax_total == s.tax_total
        && o.delivery_total == s.delivery_total
        && o.total == s.total
        && o.notes == s.notes
        && o.metadata == s.metadata
        && o.completed_at == s.completed_at
        && o.canceled_at == s.canceled_at
        && s.created_at.is_none_or(|t| t == o.created_at)
}

fn order_record(id: Option<i64>, r: &Resolved) -> serde_json::Value {
    let s = r.row;
    json!({
        "id": id,
        "n": r.index,
        "external_id": s.external_id,
        "number": s.number,
        "status": s.status,
        "payment_status": s.payment_status,
        "fulfillment_status": s.fulfillment_status,
        "store_id": s.store_id,
        "channel_id": s.channel_id,
        "customer_id": r.customer_id,
        "email": r.email,
        "currency": s.currency,
        "item_count": s.item_count,
        "item_total": s.item_total,
        "discount_total": s.discount_total,
        "tax_total": s.tax_total,
        "delivery_total": s.delivery_total,
        "total": s.total,
        "notes": s.notes,
        "metadata": s.metadata,
        "created_at": s.created_at,
        "completed_at": s.completed_at,
        "canceled_at": s.canceled_at,
    })
}

fn line_records(out: &mut Vec<serde_json::Value>, order_id: i64, r: &Resolved) {
    for ((l, v), pos) in r.row.line_items.iter().zip(&r.variants).zip(0..) {
        out.push(json!({
            "order_id": order_id,
            "pos": pos,
            "variant_id": v,
            "quantity": l.quantity,
            "price": l.price,
            "discount_total": l.discount_total,
            "total": l.total,
            "metadata": l.metadata,
            "created_at": r.row.created_at,
        }));
    }
}

/// The merchant's records the rows name, in four statements.
struct Lookups {
    customers: Vec<CustomerRef>,
    variants: Vec<VariantRef>,
    places: HashSet<(String, i64)>,
    numbers: HashMap<String, i64>,
}

async fn lookups(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    rows: &[(i32, StagedOrder)],
) -> Result<Lookups> {
    let merchant = Bind::I64(merchant_id);
    let customers: Vec<CustomerRef> = Sql::with_binds(
        "SELECT id, external_id, email FROM customers \
         WHERE merchant_id = $1 AND (id = ANY($2) OR external_id = ANY($3))",
        vec![
            merchant.clone(),
            Bind::I64s(rows.iter().filter_map(|(_, r)| r.customer_id).collect()),
            Bind::Texts(
                rows.iter()
                    .filter_map(|(_, r)| r.customer_external_id.clone())
                    .collect(),
            ),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let lines = rows.iter().flat_map(|(_, r)| &r.line_items);
    let variants: Vec<VariantRef> = Sql::with_binds(
        "SELECT id, sku FROM variants WHERE merchant_id = $1 AND (id = ANY($2) OR sku = ANY($3))",
        vec![
            merchant.clone(),
            Bind::I64s(lines.clone().filter_map(|l| l.variant_id).collect()),
            Bind::Texts(lines.filter_map(|l| l.sku.clone()).collect()),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let places: Vec<KindId> = Sql::with_binds(
        "SELECT 'channel' AS kind, id FROM channels WHERE merchant_id = $1 AND id = ANY($2) \
         UNION ALL SELECT 'store', id FROM stores WHERE merchant_id = $1 AND id = ANY($3)",
        vec![
            merchant.clone(),
            Bind::I64s(rows.iter().filter_map(|(_, r)| r.channel_id).collect()),
            Bind::I64s(rows.iter().filter_map(|(_, r)| r.store_id).collect()),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let numbers: Vec<IdText> = Sql::with_binds(
        "SELECT id, number AS value FROM orders WHERE merchant_id = $1 AND number = ANY($2)",
        vec![
            merchant,
            Bind::Texts(rows.iter().map(|(_, r)| r.number.clone()).collect()),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(Lookups {
        customers,
        variants,
        places: places.into_iter().map(|p| (p.kind, p.id)).collect(),
        numbers: numbers.into_iter().map(|n| (n.value, n.id)).collect(),
    })
}

/// Resolves one row's references; the errors name the row's fields.
fn resolve<'a>(
    index: i32,
    row: &'a StagedOrder,
    l: &Lookups,
) -> std::result::Result<Resolved<'a>, Vec<FieldError>> {
    let path = Path::input().index(index as usize);
    let mut errors = Vec::new();
    let by_id = l.customers.iter().find(|c| Some(c.id) == row.customer_id);
    let by_ext = row.customer_external_id.as_deref().and_then(|e| {
        l.customers
            .iter()
            .find(|c| c.external_id.as_deref() == Some(e))
    });
    let customer = match (row.customer_id, &row.customer_external_id) {
        (Some(_), ext) => {
            if by_id.is_none() {
                errors.push(FieldError::new(
                    &path.key("customer_id"),
                    code::NOT_FOUND,
                    "no such customer",
                ));
            } else if ext.is_some() && by_ext.map(|c| c.id) != by_id.map(|c| c.id) {
                errors.push(FieldError::new(
                    &path.key("customer_external_id"),
                    code::INVALID,
                    "names another customer than customer_id",
                ));
            }
            by_id
        }
        (None, Some(_)) => {
            if by_ext.is_none() {
                errors.push(FieldError::new(
                    &path.key("customer_external_id"),
                    code::NOT_FOUND,
                    "no customer has this external id (import the customers first)",
                ));
            }
            by_ext
        }
        (None, None) => None,
    };
    for (field, kind, id) in [
        ("channel_id", "channel", row.channel_id),
        ("store_id", "store", row.store_id),
    ] {
        if let Some(id) = id {
            if !l.places.contains(&(kind.to_owned(), id)) {
                errors.push(FieldError::new(
                    &path.key(field),
                    code::NOT_FOUND,
                    format!("no such {kind}"),
                ));
            }
        }
    }
    let mut variants = Vec::with_capacity(row.line_items.len());
    for (j, line) in row.line_items.iter().enumerate() {
        let at = path.key("line_items").index(j);
        let by_key = line
            .variant_id
            .and_then(|k| l.variants.iter().find(|v| v.id == k));
        let by_sku = line
            .sku
            .as_deref()
            .and_then(|s| l.variants.iter().find(|v| v.sku.as_deref() == Some(s)));
        let found = match (line.variant_id, &line.sku) {
            (Some(_), sku) => {
                if by_key.is_none() {
                    errors.push(FieldError::new(
                        &at.key("variant_id"),
                        code::NOT_FOUND,
                        "no such variant",
                    ));
                } else if sku.is_some() && by_sku.map(|v| v.id) != by_key.map(|v| v.id) {
                    errors.push(FieldError::new(
                        &at.key("sku"),
                        code::INVALID,
                        "names another variant than variant_id",
                    ));
                }
                by_key
            }
            (None, _) => {
                if by_sku.is_none() {
                    errors.push(FieldError::new(
                        &at.key("sku"),
                        code::NOT_FOUND,
                        "no variant has this SKU",
                    ));
                }
                by_sku
            }
        };
        variants.push(found.map(|v| v.id).unwrap_or_default());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Resolved {
        index,
        row,
        customer_id: customer.map(|c| c.id),
        email: row
            .email
            .clone()
            .or_else(|| customer.map(|c| c.email.clone())),
        variants,
    })
}

pub async fn process(
    conn: &mut AsyncPgConnection,
    b: &BatchRef,
    pending: Vec<Pending>,
) -> Result<Vec<RowResult>> {
    let mut results = Vec::with_capacity(pending.len());
    let mut rows: Vec<(i32, StagedOrder)> = Vec::with_capacity(pending.len());
    for p in pending {
        match p.input.map(serde_json::from_value::<StagedOrder>) {
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
    let found = lookups(conn, b.merchant_id, &rows).await?;
    // The orders the rows name, locked (in key order) until the chunk commits.
    let existing: Vec<Existing> = Sql::with_binds(
        "SELECT o.*, to_jsonb(o)::text AS image, \
           coalesce((SELECT jsonb_agg(to_jsonb(li) ORDER BY li.id) FROM line_items li \
                     WHERE li.merchant_id = o.merchant_id AND li.order_id = o.id), '[]')::text \
             AS lines_image, \
           coalesce((SELECT jsonb_agg(to_jsonb(a) ORDER BY a.id) FROM adjustments a \
                     WHERE a.merchant_id = o.merchant_id AND a.order_id = o.id \
                       AND a.line_item_id IS NOT NULL), '[]')::text AS adjustments_image \
         FROM orders o WHERE o.merchant_id = $1 AND o.external_id = ANY($2) \
         ORDER BY o.id FOR UPDATE",
        vec![
            merchant.clone(),
            Bind::Texts(rows.iter().map(|(_, r)| r.external_id.clone()).collect()),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let lines: Vec<LineItem> = Sql::with_binds(
        "SELECT * FROM line_items WHERE merchant_id = $1 AND order_id = ANY($2) \
         ORDER BY order_id, id",
        vec![
            merchant.clone(),
            Bind::I64s(existing.iter().map(|e| e.order.id).collect()),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let by_external: HashMap<&str, &Existing> = existing
        .iter()
        .filter_map(|e| Some((e.order.external_id.as_deref()?, e)))
        .collect();

    let mut updates = Vec::new();
    // Updated orders: (row, before-image, whether its lines are replaced).
    let mut updated: HashMap<i64, (i32, String)> = HashMap::new();
    let mut relined: Vec<(i64, usize)> = Vec::new();
    let mut creates = Vec::new();
    let mut created: HashMap<&str, usize> = HashMap::new();
    let mut resolved: Vec<Resolved> = Vec::new();
    for (index, row) in &rows {
        let r = match resolve(*index, row, &found) {
            Ok(r) => r,
            Err(errors) => {
                results.push(RowResult::failed(*index, errors));
                continue;
            }
        };
        let matched = by_external.get(row.external_id.as_str()).copied();
        let holder = found.numbers.get(&row.number).copied();
        if holder.is_some() && holder != matched.map(|e| e.order.id) {
            results.push(RowResult::error(
                *index,
                "number",
                code::TAKEN,
                "another order (without this external id) has this number",
            ));
            continue;
        }
        match matched {
            Some(e) => {
                let own: Vec<&LineItem> =
                    lines.iter().filter(|l| l.order_id == e.order.id).collect();
                let lines_differ = current_lines(&own) != wanted_lines(&r);
                if !lines_differ && same_header(&e.order, &r) {
                    results.push(RowResult::unchanged(*index, e.order.id));
                    continue;
                }
                updates.push(order_record(Some(e.order.id), &r));
                let image = if lines_differ {
                    relined.push((e.order.id, resolved.len()));
                    format!(
                        "{{\"order\": {}, \"lines\": {}, \"line_adjustments\": {}}}",
                        e.image, e.lines_image, e.adjustments_image
                    )
                } else {
                    format!("{{\"order\": {}}}", e.image)
                };
                updated.insert(e.order.id, (*index, image));
            }
            None => {
                creates.push(order_record(None, &r));
                created.insert(row.external_id.as_str(), resolved.len());
            }
        }
        resolved.push(r);
    }

    let mut new_lines = Vec::new();
    let mut written_ids: Vec<i64> = Vec::new();
    if !updates.is_empty() {
        let done: Vec<Written> = Sql::from_parts(
            &[
                "UPDATE orders o SET number = x.number, status = x.status, \
                 payment_status = x.payment_status, fulfillment_status = x.fulfillment_status, \
                 store_id = x.store_id, channel_id = x.channel_id, customer_id = x.customer_id, \
                 email = x.email, currency = x.currency, item_count = x.item_count, \
                 item_total = x.item_total, discount_total = x.discount_total, \
                 tax_total = x.tax_total, delivery_total = x.delivery_total, total = x.total, \
                 notes = x.notes, metadata = x.metadata, completed_at = x.completed_at, \
                 canceled_at = x.canceled_at, created_at = coalesce(x.created_at, o.created_at), \
                 migration_batch_id = $2, updated_at = now() \
                 FROM jsonb_to_recordset($3) AS x(",
                ORDER_COLUMNS,
                ") WHERE o.merchant_id = $1 AND o.id = x.id RETURNING o.id, o.external_id",
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
        written_ids.extend(done.iter().map(|w| w.id));
        if !relined.is_empty() {
            Sql::with_binds(
                "DELETE FROM line_items WHERE merchant_id = $1 AND order_id = ANY($2)",
                vec![
                    merchant.clone(),
                    Bind::I64s(relined.iter().map(|(id, _)| *id).collect()),
                ],
            )
            .into_query()
            .execute(conn)
            .await?;
            for (id, at) in &relined {
                line_records(&mut new_lines, *id, &resolved[*at]);
            }
        }
    }
    if !creates.is_empty() {
        // A concurrent write may take a number or external id after the checks above: that
        // row is skipped (and reported) instead of failing the chunk.
        let done: Vec<Written> = Sql::from_parts(
            &[
                "INSERT INTO orders AS o (merchant_id, number, status, payment_status, \
                 fulfillment_status, store_id, channel_id, customer_id, email, currency, \
                 item_count, item_total, discount_total, tax_total, delivery_total, total, notes, \
                 metadata, external_id, migration_batch_id, completed_at, canceled_at, \
                 created_at, updated_at) \
                 SELECT $1, x.number, x.status, x.payment_status, x.fulfillment_status, \
                 x.store_id, x.channel_id, x.customer_id, x.email, x.currency, x.item_count, \
                 x.item_total, x.discount_total, x.tax_total, x.delivery_total, x.total, x.notes, \
                 x.metadata, x.external_id, $2, x.completed_at, x.canceled_at, \
                 coalesce(x.created_at, now()), now() \
                 FROM jsonb_to_recordset($3) AS x(",
                ORDER_COLUMNS,
                ") ORDER BY x.n ON CONFLICT DO NOTHING RETURNING o.id, o.external_id",
            ],
            vec![
                merchant.clone(),
                Bind::I64(b.id),
                Bind::Json(serde_json::Value::Array(creates)),
            ],
        )
        .into_query()
        .load(conn)
        .await?;
        for w in done {
            let at = w.external_id.as_deref().and_then(|e| created.remove(e));
            if let Some(at) = at {
                line_records(&mut new_lines, w.id, &resolved[at]);
                results.push(RowResult {
                    row_index: resolved[at].index,
                    action: "created",
                    target_id: Some(w.id),
                    errors: Vec::new(),
                    before_image: None,
                    after_version: None,
                });
                written_ids.push(w.id);
            }
        }
    }
    if !new_lines.is_empty() {
        Sql::with_binds(
            "INSERT INTO line_items (merchant_id, order_id, variant_id, quantity, price, \
             discount_total, total, metadata, created_at, updated_at) \
             SELECT $1, x.order_id, x.variant_id, x.quantity, x.price, x.discount_total, x.total, \
             x.metadata, coalesce(x.created_at, now()), now() \
             FROM jsonb_to_recordset($2) AS x(order_id bigint, pos integer, variant_id bigint, \
                  quantity integer, price numeric, discount_total numeric, total numeric, \
                  metadata jsonb, created_at timestamptz) \
             ORDER BY x.order_id, x.pos",
            vec![
                merchant.clone(),
                Bind::Json(serde_json::Value::Array(new_lines)),
            ],
        )
        .into_query()
        .execute(conn)
        .await?;
    }
    // The versions the batch leaves its orders at, lines included.
    let versions: Vec<IdText> = Sql::with_binds(
        "SELECT o.id, migration_order_version(o) AS value FROM orders o \
         WHERE o.merchant_id = $1 AND o.id = ANY($2)",
        vec![merchant, Bind::I64s(written_ids)],
    )
    .into_query()
    .load(conn)
    .await?;
    let version: HashMap<i64, String> = versions.into_iter().map(|v| (v.id, v.value)).collect();
    for r in results.iter_mut().filter(|r| r.action == "created") {
        r.after_version = r.target_id.and_then(|id| version.get(&id).cloned());
    }
    for (id, (index, image)) in updated {
        match version.get(&id) {
            Some(v) => results.push(RowResult {
                row_index: index,
                action: "updated",
                target_id: Some(id),
                errors: Vec::new(),
                before_image: Some(image),
                after_version: Some(v.clone()),
            }),
            None => results.push(RowResult::error(
                index,
                "external_id",
                code::CONFLICT,
                "the order changed while the batch ran",
            )),
        }
    }
    for (_, at) in created {
        results.push(RowResult::error(
            resolved[at].index,
            "number",
            code::TAKEN,
            "another order took this number or external id while the batch ran",
        ));
    }
    results.sort_by_key(|r| r.row_index);
    Ok(results)
}
