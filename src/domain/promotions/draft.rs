//! Building the [`Draft`] that `evaluate` takes: from a caller's draft (validated, field paths
//! under `draft`) or from a stored order (its line items, customer, currency, delivery and
//! coupon code). Each is a constant number of statements whatever the number of lines.

use chrono::{DateTime, Utc};
use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use super::commands::input::money;
use super::evaluate::{Draft, DraftLine};
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, Errors, FieldError, Path, MAX_BULK};
use crate::error::Result;
use crate::ids::{self, Kind};

/// Most coupon codes one evaluation tries.
pub const MAX_CODES: usize = 20;

/// A draft as the caller sends it (IDs public).
#[derive(Debug, Clone, Default)]
pub struct DraftInput {
    pub customer_id: Option<String>,
    pub currency: String,
    pub lines: Vec<DraftLineInput>,
    pub delivery_total: Option<Decimal>,
    pub coupon_codes: Vec<String>,
    pub at: Option<DateTime<Utc>>,
}

/// One line of a [`DraftInput`].
#[derive(Debug, Clone)]
pub struct DraftLineInput {
    pub variant_id: String,
    pub quantity: i32,
    pub unit_price: Decimal,
}

#[derive(QueryableByName)]
struct VariantProduct {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = sql_types::BigInt)]
    product_id: i64,
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = sql_types::Bool)]
    found: bool,
}

fn codes(errors: &mut Errors, path: &Path, list: &[String]) {
    if list.len() > MAX_CODES {
        errors.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_CODES} coupon codes"),
        );
    }
}

/// Validates a caller's draft; line keys are the lines' indexes.
pub async fn from_input(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    input: &DraftInput,
) -> Result<std::result::Result<Draft, Vec<FieldError>>> {
    let root = Path::input();
    let mut errors = Errors::default();
    let currency = input.currency.trim().to_ascii_uppercase();
    if currency.is_empty() {
        errors.add(&root.key("currency"), code::REQUIRED, "is required");
    } else if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        errors.add(
            &root.key("currency"),
            code::INVALID,
            "must be an ISO 4217 code such as USD",
        );
    }
    let delivery_total = input.delivery_total.unwrap_or_default();
    money(&mut errors, &root.key("delivery_total"), delivery_total);
    codes(&mut errors, &root.key("coupon_codes"), &input.coupon_codes);

    let mut customer_id = None;
    if let Some(raw) = &input.customer_id {
        match ids::decode(Kind::Customer, raw) {
            Ok(k) => customer_id = Some(k),
            Err(e) => errors.add(&root.key("customer_id"), code::INVALID, e.to_string()),
        }
    }
    if input.lines.len() > MAX_BULK {
        errors.add(
            &root.key("lines"),
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_BULK} lines"),
        );
        return Ok(Err(errors.0));
    }
    let mut variants: Vec<Option<i64>> = Vec::with_capacity(input.lines.len());
    for (i, line) in input.lines.iter().enumerate() {
        let path = root.key("lines").index(i);
        match ids::decode(Kind::Variant, &line.variant_id) {
            Ok(k) => variants.push(Some(k)),
            Err(e) => {
                errors.add(&path.key("variant_id"), code::INVALID, e.to_string());
                variants.push(None);
            }
        }
        if !(1..=100_000).contains(&line.quantity) {
            errors.add(
                &path.key("quantity"),
                code::OUT_OF_RANGE,
                "must be between 1 and 100000",
            );
        }
        money(&mut errors, &path.key("unit_price"), line.unit_price);
    }

    // The merchant's variants (with their products) and customer, in one statement.
    let keys: Vec<i64> = variants.iter().flatten().copied().collect();
    let found: Vec<VariantProduct> = if keys.is_empty() {
        Vec::new()
    } else {
        Sql::with_binds(
            "SELECT id, product_id FROM variants WHERE merchant_id = $1 AND id = ANY($2)",
            vec![Bind::I64(merchant_id), Bind::I64s(keys)],
        )
        .into_query()
        .load(conn)
        .await?
    };
    if let Some(c) = customer_id {
        let rows: Vec<Exists> = Sql::with_binds(
            "SELECT EXISTS (SELECT 1 FROM customers WHERE merchant_id = $1 AND id = $2) AS found",
            vec![Bind::I64(merchant_id), Bind::I64(c)],
        )
        .into_query()
        .load(conn)
        .await?;
        if !rows.into_iter().next().is_some_and(|r| r.found) {
            errors.add(
                &root.key("customer_id"),
                code::NOT_FOUND,
                "no such customer",
            );
        }
    }
    let product_of: std::collections::HashMap<i64, i64> =
        found.into_iter().map(|v| (v.id, v.product_id)).collect();
    let mut lines = Vec::with_capacity(input.lines.len());
    for (i, (line, variant)) in input.lines.iter().zip(variants).enumerate() {
        let Some(v) = variant else { continue };
        match product_of.get(&v) {
            Some(p) => lines.push(DraftLine {
                key: i as i64,
                variant_id: v,
                product_id: *p,
                quantity: line.quantity,
                unit_price: line.unit_price,
            }),
            None => errors.add(
                &root.key("lines").index(i).key("variant_id"),
                code::NOT_FOUND,
                "no such variant",
            ),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    Ok(Ok(Draft {
        order_id: None,
        customer_id,
        currency,
        lines,
        delivery_total,
        coupon_codes: input.coupon_codes.clone(),
        at: input.at.unwrap_or_else(Utc::now),
    }))
}

#[derive(QueryableByName)]
struct OrderHead {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = sql_types::Nullable<sql_types::BigInt>)]
    customer_id: Option<i64>,
    #[diesel(sql_type = sql_types::Text)]
    currency: String,
    #[diesel(sql_type = sql_types::Numeric)]
    delivery_total: Decimal,
    #[diesel(sql_type = sql_types::Text)]
    status: String,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Timestamptz>)]
    completed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    coupon_code: Option<String>,
}

#[derive(QueryableByName)]
struct OrderLine {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = sql_types::BigInt)]
    variant_id: i64,
    #[diesel(sql_type = sql_types::BigInt)]
    product_id: i64,
    #[diesel(sql_type = sql_types::Integer)]
    quantity: i32,
    #[diesel(sql_type = sql_types::Numeric)]
    price: Decimal,
}

/// The draft of a stored order: line keys are line item ids; the codes tried are the order's
/// own coupon code and `extra_codes`. A draft order is evaluated now, any other at its
/// completion time (what applied when it was placed; usage counts leave the order itself out).
pub async fn from_order(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    extra_codes: &[String],
) -> Result<std::result::Result<Draft, Vec<FieldError>>> {
    let path = Path::field("order_id");
    let key = match ids::decode(Kind::Order, order_id) {
        Ok(k) => k,
        Err(e) => {
            return Ok(Err(vec![FieldError::new(
                &path,
                code::INVALID,
                e.to_string(),
            )]))
        }
    };
    let mut errors = Errors::default();
    codes(&mut errors, &Path::field("coupon_codes"), extra_codes);
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let heads: Vec<OrderHead> = Sql::with_binds(
        "SELECT o.id, o.customer_id, o.currency, o.delivery_total, o.status, o.completed_at, \
                cc.code AS coupon_code \
         FROM orders o \
         LEFT JOIN coupon_codes cc ON cc.merchant_id = o.merchant_id AND cc.id = o.coupon_code_id \
         WHERE o.merchant_id = $1 AND o.id = $2",
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    let Some(head) = heads.into_iter().next() else {
        return Ok(Err(vec![FieldError::new(
            &path,
            code::NOT_FOUND,
            "no such order",
        )]));
    };
    let lines: Vec<OrderLine> = Sql::with_binds(
        "SELECT li.id, li.variant_id, v.product_id, li.quantity, li.price \
         FROM line_items li \
         JOIN variants v ON v.merchant_id = li.merchant_id AND v.id = li.variant_id \
         WHERE li.merchant_id = $1 AND li.order_id = $2 \
         ORDER BY li.id",
        vec![Bind::I64(merchant_id), Bind::I64(head.id)],
    )
    .into_query()
    .load(conn)
    .await?;
    let at = match (head.status.as_str(), head.completed_at) {
        ("draft", _) | (_, None) => Utc::now(),
        (_, Some(t)) => t,
    };
    Ok(Ok(Draft {
        order_id: Some(head.id),
        customer_id: head.customer_id,
        currency: head.currency,
        lines: lines
            .into_iter()
            .map(|l| DraftLine {
                key: l.id,
                variant_id: l.variant_id,
                product_id: l.product_id,
                quantity: l.quantity,
                unit_price: l.price,
            })
            .collect(),
        delivery_total: head.delivery_total,
        coupon_codes: head
            .coupon_code
            .into_iter()
            .chain(extra_codes.iter().cloned())
            .collect(),
        at,
    }))
}
