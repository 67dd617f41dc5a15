//! The working state of an order inside a write: its row read under a lock, its lines with
//! their products, re-pricing through the price book, and the one statement that saves lines,
//! adjustments and totals together.
//!
//! Every order write runs in one transaction and starts with [`lock`] (`SELECT … FOR UPDATE`):
//! two concurrent edits of one order serialize on its row, so neither loses the other's lines
//! and the totals always describe the lines stored. Every step is one statement whatever the
//! number of lines (arrays bound and `unnest`ed).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Int4, Jsonb, Nullable, Numeric, Text, Timestamptz};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::db::sql::{Bind, Sql};
use crate::domain::orders::totals::{self, PricedLine, Totals};
use crate::domain::pricing::quote::{quote_many, QuoteRequest};
use crate::domain::promotions::evaluate::{evaluate, Draft, DraftLine, Evaluation};
use crate::domain::validate::{code, FieldError, Path};
use crate::error::Result;
use crate::ids::{self, Kind};

/// Most lines one order holds.
pub const MAX_LINES: usize = 1000;
/// Quantity bounds of a line (the `line_items.quantity` CHECK).
pub const MIN_QUANTITY: i32 = 1;
pub const MAX_QUANTITY: i32 = 100_000;

/// The order row as writes need it, read under a row lock.
#[derive(Debug, Clone, QueryableByName)]
pub struct Locked {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Text)]
    pub fulfillment_status: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub customer_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub channel_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Text)]
    pub currency: String,
    #[diesel(sql_type = Numeric)]
    pub tax_total: Decimal,
    #[diesel(sql_type = Numeric)]
    pub delivery_total: Decimal,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub coupon_code_id: Option<i64>,
    /// The code of `coupon_code_id`, as stored.
    #[diesel(sql_type = Nullable<Text>)]
    pub coupon_code: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub approved_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
}

impl Locked {
    pub fn is_draft(&self) -> bool {
        self.status == "draft"
    }

    pub fn buyer(&self) -> Buyer<'_> {
        Buyer {
            currency: &self.currency,
            customer_id: self.customer_id,
            channel_id: self.channel_id,
        }
    }
}

/// Who buys, in which currency: what a price depends on besides the variant and quantity.
#[derive(Debug, Clone, Copy)]
pub struct Buyer<'a> {
    pub currency: &'a str,
    pub customer_id: Option<i64>,
    pub channel_id: Option<i64>,
}

/// Decodes `id` (an `or_…` ID) and locks that order of the merchant for the rest of the
/// transaction. `Err` is the field error (INVALID, NOT_FOUND) at `path`.
pub async fn lock(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: &str,
    path: &Path,
) -> Result<std::result::Result<Locked, FieldError>> {
    let key = match ids::decode(Kind::Order, id) {
        Ok(k) => k,
        Err(e) => return Ok(Err(FieldError::new(path, code::INVALID, e.to_string()))),
    };
    let rows: Vec<Locked> = Sql::with_binds(
        include_str!("lock.sql"),
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .next()
        .ok_or_else(|| FieldError::new(path, code::NOT_FOUND, "no such order")))
}

/// CONFLICT when the order changed after the `expected_updated_at` the caller sent.
pub fn check_expected(
    order: &Locked,
    expected: Option<DateTime<Utc>>,
) -> std::result::Result<(), FieldError> {
    match expected {
        Some(at) if at.timestamp_micros() != order.updated_at.timestamp_micros() => {
            Err(FieldError::new(
                &Path::field("expected_updated_at"),
                code::CONFLICT,
                format!(
                    "the order changed since (updated at {}); reload it and retry",
                    order.updated_at.to_rfc3339()
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// ORDER_NOT_EDITABLE unless the order is a draft.
pub fn check_draft(order: &Locked, path: &Path) -> std::result::Result<(), FieldError> {
    if order.is_draft() {
        Ok(())
    } else {
        Err(FieldError::new(
            path,
            code::ORDER_NOT_EDITABLE,
            format!(
                "the order is {}; only draft orders can be edited",
                order.status
            ),
        ))
    }
}

/// One line of an order being edited.
#[derive(Debug, Clone, QueryableByName)]
pub struct Line {
    /// The stored line's id, or a negative placeholder for a line not stored yet.
    #[diesel(sql_type = BigInt)]
    pub key: i64,
    #[diesel(sql_type = BigInt)]
    pub variant_id: i64,
    #[diesel(sql_type = BigInt)]
    pub product_id: i64,
    #[diesel(sql_type = Int4)]
    pub quantity: i32,
    #[diesel(sql_type = Numeric)]
    pub price: Decimal,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub price_list_id: Option<i64>,
    /// The line's metadata (a JSON object).
    #[diesel(sql_type = Jsonb)]
    pub metadata: serde_json::Value,
}

impl Line {
    pub fn is_new(&self) -> bool {
        self.key < 0
    }

    /// Merges `extra`'s keys into the line's metadata (a key given replaces the one stored,
    /// as Spree merges a line's metadata).
    pub fn merge_metadata(&mut self, extra: Option<&serde_json::Value>) {
        let Some(serde_json::Value::Object(extra)) = extra else {
            return;
        };
        match &mut self.metadata {
            serde_json::Value::Object(m) => {
                for (k, v) in extra {
                    m.insert(k.clone(), v.clone());
                }
            }
            other => *other = serde_json::Value::Object(extra.clone()),
        }
    }
}

/// The lines of an order, oldest first, with the product of each variant.
pub async fn lines(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: i64,
) -> Result<Vec<Line>> {
    Ok(Sql::with_binds(
        "SELECT li.id AS key, li.variant_id, v.product_id, li.quantity, li.price, li.price_list_id, \
                li.metadata \
         FROM line_items li \
         JOIN variants v ON v.merchant_id = li.merchant_id AND v.id = li.variant_id \
         WHERE li.merchant_id = $1 AND li.order_id = $2 \
         ORDER BY li.id",
        vec![Bind::I64(merchant_id), Bind::I64(order_id)],
    )
    .into_query()
    .load(conn)
    .await?)
}

#[derive(QueryableByName)]
struct VariantProduct {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    product_id: i64,
}

/// variant → product, for the variants of `ids` that belong to the merchant.
pub async fn variant_products(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    ids: &[i64],
) -> Result<HashMap<i64, i64>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<VariantProduct> = Sql::with_binds(
        "SELECT id, product_id FROM variants WHERE merchant_id = $1 AND id = ANY($2) AND deleted_at IS NULL",
        vec![Bind::I64(merchant_id), Bind::I64s(ids.to_vec())],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.product_id)).collect())
}

/// Re-prices every line from the price book (one statement): the buyer's price for the line's
/// quantity at `at`. Lines without an applicable
/// price keep the one they had; their positions are returned so that the caller can refuse
/// the lines it was asked to add or change (NO_PRICE).
pub async fn reprice(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    buyer: Buyer<'_>,
    lines: &mut [Line],
    at: DateTime<Utc>,
) -> Result<Vec<usize>> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let requests: Vec<QuoteRequest> = lines
        .iter()
        .map(|l| QuoteRequest {
            variant_id: l.variant_id,
            currency: buyer.currency.to_owned(),
            quantity: l.quantity,
            customer_id: buyer.customer_id,
            channel_id: buyer.channel_id,
            at,
        })
        .collect();
    let quotes = quote_many(conn, merchant_id, &requests).await?;
    let mut unpriced = Vec::new();
    for (i, (line, quote)) in lines.iter_mut().zip(quotes).enumerate() {
        match quote {
            Some(q) => {
                line.price = q.amount;
                line.price_list_id = q.price_list_id;
            }
            None => unpriced.push(i),
        }
    }
    Ok(unpriced)
}

/// Evaluates the merchant's promotions against the order with `lines` and the coupon code
/// `coupon` (the order's own, or one being applied).
pub async fn promotions(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order: &Locked,
    lines: &[Line],
    coupon: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Evaluation> {
    let draft = Draft {
        order_id: Some(order.id),
        customer_id: order.customer_id,
        currency: order.currency.clone(),
        lines: lines
            .iter()
            .map(|l| DraftLine {
                key: l.key,
                variant_id: l.variant_id,
                product_id: l.product_id,
                quantity: l.quantity,
                unit_price: l.price,
            })
            .collect(),
        delivery_total: order.delivery_total,
        coupon_codes: coupon.map(|c| vec![c.to_owned()]).unwrap_or_default(),
        at,
    };
    evaluate(conn, merchant_id, &draft).await
}

/// The totals of `lines` under `evaluation`.
pub fn totals_of(order: &Locked, lines: &[Line], evaluation: &Evaluation) -> Totals {
    let priced: Vec<PricedLine> = lines
        .iter()
        .map(|l| PricedLine {
            key: l.key,
            quantity: l.quantity,
            price: l.price,
        })
        .collect();
    totals::compute(&priced, evaluation, order.tax_total, order.delivery_total)
}

#[derive(QueryableByName)]
struct Saved {
    #[diesel(sql_type = Timestamptz)]
    #[allow(dead_code)]
    updated_at: DateTime<Utc>,
}

/// Saves, in ONE statement, the order's lines (deleting stored lines absent from `lines`,
/// updating changed ones, inserting new ones), replaces its adjustments, and writes its totals
/// and coupon code.
pub async fn save(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order: &Locked,
    lines: &[Line],
    t: &Totals,
    coupon_code_id: Option<i64>,
) -> Result<()> {
    let dec = |d: &Decimal| d.to_string();
    // Adjustment rows name their line by key; 0 is the order itself (keys are never 0).
    let adj_keys: Vec<i64> = t
        .adjustments
        .iter()
        .map(|a| a.line_key.unwrap_or(0))
        .collect();
    let binds = vec![
        Bind::I64(merchant_id),
        Bind::I64(order.id),
        Bind::I64s(lines.iter().map(|l| l.key).collect()),
        Bind::I64s(lines.iter().map(|l| l.variant_id).collect()),
        Bind::I64s(lines.iter().map(|l| i64::from(l.quantity)).collect()),
        Bind::Texts(lines.iter().map(|l| dec(&l.price)).collect()),
        Bind::I64s(lines.iter().map(|l| l.price_list_id.unwrap_or(0)).collect()),
        Bind::Texts(t.line_discounts.iter().map(dec).collect()),
        Bind::Texts(t.line_totals.iter().map(dec).collect()),
        Bind::I64s(adj_keys),
        Bind::I64s(t.adjustments.iter().map(|a| a.promotion_id).collect()),
        Bind::I64s(
            t.adjustments
                .iter()
                .map(|a| a.coupon_code_id.unwrap_or(0))
                .collect(),
        ),
        Bind::Texts(t.adjustments.iter().map(|a| a.label.clone()).collect()),
        Bind::Texts(t.adjustments.iter().map(|a| dec(&a.amount)).collect()),
        Bind::I32(t.item_count),
        Bind::Text(dec(&t.item_total)),
        Bind::Text(dec(&t.discount_total)),
        Bind::Text(dec(&t.total)),
        Bind::I64(coupon_code_id.unwrap_or(0)),
        Bind::Texts(lines.iter().map(|l| l.metadata.to_string()).collect()),
    ];
    let _: Vec<Saved> = Sql::with_binds(include_str!("save.sql"), binds)
        .into_query()
        .load(conn)
        .await?;
    Ok(())
}

/// Re-evaluates promotions for `lines` (with the order's coupon code) and saves everything.
/// Returns the evaluation, so that callers can look at what it said about the code.
pub async fn recompute_and_save(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order: &Locked,
    lines: &[Line],
    at: DateTime<Utc>,
) -> Result<Evaluation> {
    let evaluation = promotions(
        conn,
        merchant_id,
        order,
        lines,
        order.coupon_code.as_deref(),
        at,
    )
    .await?;
    let t = totals_of(order, lines, &evaluation);
    save(conn, merchant_id, order, lines, &t, order.coupon_code_id).await?;
    Ok(evaluation)
}
