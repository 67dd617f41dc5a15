//! The rows of an orders batch and their field checks (no database). An order is historical:
//! its totals, status and times are kept as given (no repricing, no promotions).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::input::{duplicates, external_id, stage, Staged};
use super::MAX_LINES;
use crate::domain::pricing::iso;
use crate::domain::validate::{code, Errors, Path};
use crate::domain::write::decode;
use crate::ids::Kind;

/// Statuses an imported order can have.
pub const STATUSES: &[&str] = &["draft", "complete", "canceled", "returned"];
/// Payment statuses an imported order can have.
pub const PAYMENT_STATUSES: &[&str] = &[
    "pending",
    "paid",
    "partially_paid",
    "refunded",
    "void",
    "failed",
];
/// Fulfillment statuses an imported order can have.
pub const FULFILLMENT_STATUSES: &[&str] = &["unfulfilled", "partial", "fulfilled", "canceled"];

/// One order of a legacy system, as a whole record.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrderImport {
    /// The legacy system's identifier: the key a re-sent row is matched by.
    pub external_id: String,
    /// The order number shown to people, unique per merchant.
    pub number: String,
    /// The buyer by our ID (`cus_…`).
    pub customer_id: Option<String>,
    /// The buyer by the legacy id a customers batch imported them with.
    pub customer_external_id: Option<String>,
    /// Defaults to the customer's email.
    pub email: Option<String>,
    pub currency: String,
    /// `draft`, `complete`, `canceled`, `returned`.
    pub status: String,
    /// Default `paid` for placed orders, `pending` for drafts.
    pub payment_status: Option<String>,
    /// Default `fulfilled` for placed orders, `unfulfilled` for drafts.
    pub fulfillment_status: Option<String>,
    /// `ch_…`
    pub channel_id: Option<String>,
    /// `st_…`
    pub store_id: Option<String>,
    /// Default: the sum of the lines' totals.
    pub item_total: Option<Decimal>,
    pub discount_total: Option<Decimal>,
    pub tax_total: Option<Decimal>,
    pub delivery_total: Option<Decimal>,
    pub total: Decimal,
    pub notes: Option<String>,
    pub metadata: Option<serde_json::Value>,
    pub created_at: Option<DateTime<Utc>>,
    /// Required unless the order is a draft.
    pub completed_at: Option<DateTime<Utc>>,
    /// Required when the order is canceled.
    pub canceled_at: Option<DateTime<Utc>>,
    pub line_items: Vec<LineImport>,
}

/// One line of an imported order, by variant ID or SKU, priced as it was sold.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LineImport {
    /// `variant_…`
    pub variant_id: Option<String>,
    pub sku: Option<String>,
    pub quantity: i32,
    /// Unit price.
    pub price: Decimal,
    pub discount_total: Option<Decimal>,
    /// Default: price × quantity − discount.
    pub total: Option<Decimal>,
    pub metadata: Option<serde_json::Value>,
}

/// A checked order, as staged (references decoded, defaults applied).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagedOrder {
    pub external_id: String,
    pub number: String,
    pub customer_id: Option<i64>,
    pub customer_external_id: Option<String>,
    pub email: Option<String>,
    pub currency: String,
    pub status: String,
    pub payment_status: String,
    pub fulfillment_status: String,
    pub channel_id: Option<i64>,
    pub store_id: Option<i64>,
    pub item_count: i32,
    pub item_total: Decimal,
    pub discount_total: Decimal,
    pub tax_total: Decimal,
    pub delivery_total: Decimal,
    pub total: Decimal,
    pub notes: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub canceled_at: Option<DateTime<Utc>>,
    pub line_items: Vec<StagedLine>,
}

/// A checked line, as staged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagedLine {
    pub variant_id: Option<i64>,
    pub sku: Option<String>,
    pub quantity: i32,
    pub price: Decimal,
    pub discount_total: Decimal,
    pub total: Decimal,
    pub metadata: serde_json::Value,
}

/// Money: not negative, at most 4 decimals, within numeric(19,4).
fn money(errors: &mut Errors, path: &Path, d: Decimal) {
    if d.is_sign_negative() && !d.is_zero() {
        errors.add(path, code::OUT_OF_RANGE, "must not be negative");
    } else if d.normalize().scale() > 4 {
        errors.add(path, code::INVALID, "at most 4 decimals");
    } else if d >= Decimal::from(1_000_000_000_000_000_i64) {
        errors.add(path, code::OUT_OF_RANGE, "is too large");
    }
}

fn metadata(errors: &mut Errors, path: &Path, m: &Option<serde_json::Value>) -> serde_json::Value {
    match m {
        None => serde_json::Value::Object(Default::default()),
        Some(m) if !m.is_object() => {
            errors.add(path, code::INVALID, "must be a JSON object");
            m.clone()
        }
        Some(m) => {
            if m.to_string().len() > 16_384 {
                errors.add(path, code::TOO_LONG, "must be at most 16 KiB of JSON");
            }
            m.clone()
        }
    }
}

fn text(errors: &mut Errors, path: &Path, v: &Option<String>, max: usize) -> Option<String> {
    let v = v.as_deref()?.trim();
    if v.is_empty() {
        return None;
    }
    errors.length(path, v, 1, max);
    Some(v.to_owned())
}

fn one_of(errors: &mut Errors, path: &Path, v: &str, allowed: &[&str]) -> String {
    let v = v.trim().to_ascii_lowercase();
    if !allowed.contains(&v.as_str()) {
        errors.add(
            path,
            code::INVALID,
            format!("must be one of {}", allowed.join(", ")),
        );
    }
    v
}

fn check_line(errors: &mut Errors, path: &Path, l: &LineImport) -> StagedLine {
    let variant_id = l
        .variant_id
        .as_deref()
        .and_then(|id| decode(errors, &path.key("variant_id"), Kind::Variant, id));
    let sku = text(errors, &path.key("sku"), &l.sku, 100);
    if l.variant_id.is_none() && sku.is_none() {
        errors.add(
            &path.key("variant_id"),
            code::REQUIRED,
            "give the variant's ID or its SKU",
        );
    }
    if !(1..=100_000).contains(&l.quantity) {
        errors.add(
            &path.key("quantity"),
            code::OUT_OF_RANGE,
            "must be between 1 and 100,000",
        );
    }
    money(errors, &path.key("price"), l.price);
    let discount_total = l.discount_total.unwrap_or(Decimal::ZERO);
    money(errors, &path.key("discount_total"), discount_total);
    let total = l.total.unwrap_or_else(|| {
        (l.price * Decimal::from(l.quantity.max(0)) - discount_total).max(Decimal::ZERO)
    });
    money(errors, &path.key("total"), total);
    StagedLine {
        variant_id,
        sku,
        quantity: l.quantity,
        price: l.price,
        discount_total,
        total,
        metadata: metadata(errors, &path.key("metadata"), &l.metadata),
    }
}

/// Checks one order row and applies its defaults.
pub fn check_order(errors: &mut Errors, path: &Path, o: &OrderImport) -> StagedOrder {
    let number = o.number.trim().to_owned();
    if !crate::domain::validate::is_external_id(&number) || number.len() > 32 {
        errors.add(
            &path.key("number"),
            if number.is_empty() {
                code::REQUIRED
            } else {
                code::INVALID
            },
            "must be 1–32 letters, digits, `_` or `-`",
        );
    }
    let customer_id = o
        .customer_id
        .as_deref()
        .and_then(|id| decode(errors, &path.key("customer_id"), Kind::Customer, id));
    let customer_external_id = text(
        errors,
        &path.key("customer_external_id"),
        &o.customer_external_id,
        100,
    );
    let email = text(errors, &path.key("email"), &o.email, 254);
    if let Some(e) = &email {
        errors.email(&path.key("email"), e);
    }
    let currency = o.currency.trim().to_ascii_uppercase();
    if !iso::is_currency(&currency) {
        errors.add(
            &path.key("currency"),
            code::INVALID,
            "must be an ISO 4217 currency code such as USD",
        );
    }
    let status = one_of(errors, &path.key("status"), &o.status, STATUSES);
    let placed = status != "draft";
    let payment_status = match &o.payment_status {
        Some(s) => one_of(errors, &path.key("payment_status"), s, PAYMENT_STATUSES),
        None => if placed { "paid" } else { "pending" }.to_owned(),
    };
    let fulfillment_status = match &o.fulfillment_status {
        Some(s) => one_of(
            errors,
            &path.key("fulfillment_status"),
            s,
            FULFILLMENT_STATUSES,
        ),
        None => if placed { "fulfilled" } else { "unfulfilled" }.to_owned(),
    };
    if placed && o.completed_at.is_none() {
        errors.add(
            &path.key("completed_at"),
            code::REQUIRED,
            "is required unless the order is a draft",
        );
    }
    if status == "canceled" && o.canceled_at.is_none() {
        errors.add(
            &path.key("canceled_at"),
            code::REQUIRED,
            "is required for a canceled order",
        );
    }
    let channel_id = o
        .channel_id
        .as_deref()
        .and_then(|id| decode(errors, &path.key("channel_id"), Kind::Channel, id));
    let store_id = o
        .store_id
        .as_deref()
        .and_then(|id| decode(errors, &path.key("store_id"), Kind::Store, id));
    if o.line_items.len() > MAX_LINES {
        errors.add(
            &path.key("line_items"),
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_LINES} line items per order"),
        );
    }
    let lines: Vec<StagedLine> = o
        .line_items
        .iter()
        .take(MAX_LINES)
        .enumerate()
        .map(|(j, l)| check_line(errors, &path.key("line_items").index(j), l))
        .collect();
    let item_total = o
        .item_total
        .unwrap_or_else(|| lines.iter().map(|l| l.total).sum());
    let mut amounts = vec![("item_total", item_total), ("total", o.total)];
    let [discount_total, tax_total, delivery_total] =
        [o.discount_total, o.tax_total, o.delivery_total].map(|d| d.unwrap_or(Decimal::ZERO));
    amounts.extend([
        ("discount_total", discount_total),
        ("tax_total", tax_total),
        ("delivery_total", delivery_total),
    ]);
    for (field, d) in amounts {
        money(errors, &path.key(field), d);
    }
    let item_count = lines
        .iter()
        .map(|l| i64::from(l.quantity.max(0)))
        .sum::<i64>()
        .min(i64::from(i32::MAX)) as i32;
    StagedOrder {
        external_id: external_id(errors, path, &o.external_id),
        number,
        customer_id,
        customer_external_id,
        email,
        currency,
        status,
        payment_status,
        fulfillment_status,
        channel_id,
        store_id,
        item_count,
        item_total,
        discount_total,
        tax_total,
        delivery_total,
        total: o.total,
        notes: text(errors, &path.key("notes"), &o.notes, 5000),
        metadata: metadata(errors, &path.key("metadata"), &o.metadata),
        created_at: o.created_at,
        completed_at: o.completed_at,
        canceled_at: o.canceled_at,
        line_items: lines,
    }
}

/// Checks every order row: fields, then external ids and numbers repeated in the batch.
pub fn check_orders(rows: &[OrderImport]) -> Vec<Staged> {
    let mut errors: Vec<Errors> = rows.iter().map(|_| Errors::default()).collect();
    let checked: Vec<StagedOrder> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| check_order(&mut errors[i], &Path::input().index(i), r))
        .collect();
    duplicates(
        &mut errors,
        checked
            .iter()
            .enumerate()
            .map(|(i, r)| (i, Some(r.external_id.clone()))),
        "external_id",
        "external id",
    );
    duplicates(
        &mut errors,
        checked
            .iter()
            .enumerate()
            .map(|(i, r)| (i, Some(r.number.clone()))),
        "number",
        "number",
    );
    stage(checked, errors, |r| r.external_id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> OrderImport {
        OrderImport {
            external_id: "O-1".into(),
            number: "R100".into(),
            currency: "usd".into(),
            status: "complete".into(),
            total: Decimal::new(2500, 2),
            completed_at: Some(Utc::now()),
            line_items: vec![LineImport {
                sku: Some("SKU-1".into()),
                quantity: 2,
                price: Decimal::new(1000, 2),
                ..LineImport::default()
            }],
            ..OrderImport::default()
        }
    }

    #[test]
    fn defaults_are_applied_and_totals_kept_as_given() {
        let staged = check_orders(&[order()]);
        assert!(staged[0].errors.is_empty(), "{:?}", staged[0].errors);
        let o: StagedOrder = serde_json::from_value(staged[0].input.clone().unwrap()).unwrap();
        assert_eq!(o.currency, "USD");
        assert_eq!(o.payment_status, "paid");
        assert_eq!(o.item_count, 2);
        assert_eq!(o.line_items[0].total, Decimal::new(2000, 2));
        assert_eq!(o.item_total, Decimal::new(2000, 2));
        assert_eq!(o.total, Decimal::new(2500, 2));
    }

    #[test]
    fn bad_rows_name_their_fields() {
        let mut o = order();
        o.status = "shipped".into();
        o.completed_at = None;
        o.line_items[0].sku = None;
        o.line_items[0].quantity = 0;
        o.customer_id = Some("or_x".into());
        let staged = check_orders(&[o.clone(), order()]);
        let paths: Vec<String> = staged[0]
            .errors
            .iter()
            .map(|e| e.path.to_string())
            .collect();
        assert!(paths.contains(&"0.status".to_string()), "{paths:?}");
        assert!(paths.contains(&"0.customer_id".to_string()), "{paths:?}");
        assert!(paths.contains(&"0.line_items.0.variant_id".to_string()));
        assert!(paths.contains(&"0.line_items.0.quantity".to_string()));
        let dup: Vec<String> = staged[1]
            .errors
            .iter()
            .map(|e| e.path.to_string())
            .collect();
        assert_eq!(dup, ["1.external_id", "1.number"]);
    }
}
