//! Draft order writes: create, add / change / remove line items, apply / remove a coupon code,
//! delete. Each validates everything before it writes anything (a refused command writes
//! nothing), locks the order row, and ends with one statement that saves the lines, the
//! adjustments and the totals recomputed from them (see [`super::draft`]).
//!
//! Line items take their prices from the price book (`pricing::quote::quote_many`, one statement
//! for every line of the order): a draft's lines are re-priced on every line change, so a draft
//! always shows what the buyer would pay now; completing the order freezes them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rand::Rng;
use rust_decimal::Decimal;
use serde::Serialize;

use super::draft::{self, Buyer, Line, Locked, MAX_LINES, MAX_QUANTITY, MIN_QUANTITY};
use crate::db::sql::{Bind, Sql};
use crate::domain::pricing::iso;
use crate::domain::validate::{code, Errors, FieldError, Patch, Path, MAX_BULK};
use crate::error::{Error, Result};
use crate::ids::{self, Kind};

/// The outcome of a command: the order's key, or the field errors that refused it.
pub type Outcome = std::result::Result<i64, Vec<FieldError>>;

/// A draft order to create.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrderCreate {
    /// ISO 4217 code, e.g. USD (upper-cased).
    pub currency: String,
    /// `cus_…`; the order's email defaults to the customer's.
    pub customer_id: Option<String>,
    pub email: Option<String>,
    /// `ch_…`
    pub channel_id: Option<String>,
    /// `st_…`
    pub store_id: Option<String>,
    pub notes: Option<String>,
    /// A JSON object.
    pub metadata: Option<serde_json::Value>,
    /// The order's identifier in another system, unique per merchant.
    pub external_id: Option<String>,
    /// Delivery charge before promotions.
    pub delivery_total: Option<Decimal>,
    pub line_items: Vec<LineInput>,
}

/// Changes to an order's header; `Keep` leaves a field, `Clear` empties it. The buyer
/// (customer, channel) and the delivery charge can only change on a draft.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrderUpdate {
    #[serde(serialize_with = "ser_patch")]
    pub customer_id: Patch<String>,
    #[serde(serialize_with = "ser_patch")]
    pub email: Patch<String>,
    #[serde(serialize_with = "ser_patch")]
    pub channel_id: Patch<String>,
    #[serde(serialize_with = "ser_patch")]
    pub store_id: Patch<String>,
    #[serde(serialize_with = "ser_patch")]
    pub notes: Patch<String>,
    #[serde(serialize_with = "ser_patch")]
    pub external_id: Patch<String>,
    /// Replaces the metadata object.
    pub metadata: Option<serde_json::Value>,
    pub delivery_total: Option<Decimal>,
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

/// A variant and how many of it to add.
#[derive(Debug, Clone, Serialize)]
pub struct LineInput {
    /// `variant_…`
    pub variant_id: String,
    pub quantity: i32,
}

/// A new quantity for a line of the order.
#[derive(Debug, Clone, Serialize)]
pub struct LineChange {
    /// `li_…`
    pub id: String,
    pub quantity: i32,
}

/// A variant line requested by the caller, decoded: (input index, variant key, quantity).
struct Wanted {
    index: usize,
    variant_id: i64,
    quantity: i32,
}

fn quantity(errors: &mut Errors, path: &Path, q: i32) {
    if !(MIN_QUANTITY..=MAX_QUANTITY).contains(&q) {
        errors.add(
            path,
            code::OUT_OF_RANGE,
            format!("must be between {MIN_QUANTITY} and {MAX_QUANTITY}"),
        );
    }
}

/// Decodes an optional ID of `kind`; INVALID at `path` when malformed.
fn decode_opt(errors: &mut Errors, path: &Path, kind: Kind, id: &Option<String>) -> Option<i64> {
    let id = id.as_deref()?;
    match ids::decode(kind, id) {
        Ok(k) => Some(k),
        Err(e) => {
            errors.add(path, code::INVALID, e.to_string());
            None
        }
    }
}

/// Checks the shape of requested lines (count, IDs, quantities) without the database.
fn decode_lines(errors: &mut Errors, path: &Path, items: &[LineInput]) -> Vec<Wanted> {
    if items.len() > MAX_BULK {
        errors.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_BULK} line items per request"),
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        quantity(errors, &p.key("quantity"), item.quantity);
        match ids::decode(Kind::Variant, &item.variant_id) {
            Ok(v) => out.push(Wanted {
                index: i,
                variant_id: v,
                quantity: item.quantity,
            }),
            Err(e) => errors.add(&p.key("variant_id"), code::INVALID, e.to_string()),
        }
    }
    out
}

/// Adds the wanted variants to `lines`: a variant already on the order (or earlier in the
/// request) gets its quantity increased, another one becomes a new line. Returns, per line, the
/// input indexes that touched it (for NO_PRICE errors).
async fn merge_wanted(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    errors: &mut Errors,
    path: &Path,
    lines: &mut Vec<Line>,
    wanted: &[Wanted],
) -> Result<Vec<Vec<usize>>> {
    let variant_ids: Vec<i64> = wanted
        .iter()
        .map(|w| w.variant_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let products = draft::variant_products(conn, merchant_id, &variant_ids).await?;
    let mut sources: Vec<Vec<usize>> = vec![Vec::new(); lines.len()];
    for w in wanted {
        let p = path.index(w.index);
        let Some(&product_id) = products.get(&w.variant_id) else {
            errors.add(&p.key("variant_id"), code::NOT_FOUND, "no such variant");
            continue;
        };
        match lines.iter().position(|l| l.variant_id == w.variant_id) {
            Some(at) => {
                let sum = i64::from(lines[at].quantity) + i64::from(w.quantity);
                if sum > i64::from(MAX_QUANTITY) {
                    errors.add(
                        &p.key("quantity"),
                        code::OUT_OF_RANGE,
                        format!("the line would hold {sum}, more than {MAX_QUANTITY}"),
                    );
                } else {
                    lines[at].quantity = sum as i32;
                    sources[at].push(w.index);
                }
            }
            None => {
                lines.push(Line {
                    key: -(w.index as i64) - 1,
                    variant_id: w.variant_id,
                    product_id,
                    quantity: w.quantity,
                    price: Decimal::ZERO,
                    price_list_id: None,
                });
                sources.push(vec![w.index]);
            }
        }
    }
    if lines.len() > MAX_LINES {
        errors.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("an order holds at most {MAX_LINES} lines"),
        );
    }
    Ok(sources)
}

/// NO_PRICE at the input path (`field` of item `sources[i]`) of every line in `unpriced` the
/// caller touched.
fn no_price(
    errors: &mut Errors,
    unpriced: &[usize],
    sources: &[Vec<usize>],
    path: &Path,
    field: &'static str,
    currency: &str,
) {
    for &i in unpriced {
        for &s in sources.get(i).map(Vec::as_slice).unwrap_or_default() {
            errors.add(
                &path.index(s).key(field),
                code::NO_PRICE,
                format!("the variant has no price in {currency}"),
            );
        }
    }
}

/// Locks the order and checks it may be edited: exists (NOT_FOUND), unchanged since
/// `expected` (CONFLICT), draft (ORDER_NOT_EDITABLE).
pub async fn open_draft(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    expected: Option<DateTime<Utc>>,
) -> Result<std::result::Result<Locked, Vec<FieldError>>> {
    let path = Path::field("order_id");
    let order = match draft::lock(conn, merchant_id, order_id, &path).await? {
        Ok(o) => o,
        Err(e) => return Ok(Err(vec![e])),
    };
    if let Err(e) = draft::check_expected(&order, expected) {
        return Ok(Err(vec![e]));
    }
    if let Err(e) = draft::check_draft(&order, &path) {
        return Ok(Err(vec![e]));
    }
    Ok(Ok(order))
}

#[derive(QueryableByName)]
struct Refs {
    #[diesel(sql_type = Bool)]
    customer_found: bool,
    #[diesel(sql_type = Nullable<Text>)]
    customer_email: Option<String>,
    #[diesel(sql_type = Bool)]
    channel_found: bool,
    #[diesel(sql_type = Bool)]
    store_found: bool,
    #[diesel(sql_type = Bool)]
    external_id_taken: bool,
}

/// References of an order's header to check.
struct Refd<'a> {
    customer: Option<i64>,
    channel: Option<i64>,
    store: Option<i64>,
    external_id: Option<&'a str>,
    /// The order being changed (0: a new one), whose own external id is not taken.
    except_order: i64,
}

/// Checks, in one statement, that the customer, channel and store given are the merchant's
/// (NOT_FOUND) and that the external id is free (TAKEN). Returns the customer's email.
async fn check_refs(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    errors: &mut Errors,
    root: &Path,
    r: Refd<'_>,
) -> Result<Option<String>> {
    let rows: Vec<Refs> = Sql::with_binds(
        "SELECT EXISTS (SELECT 1 FROM customers WHERE merchant_id = $1 AND id = $2) AS customer_found, \
                (SELECT email FROM customers WHERE merchant_id = $1 AND id = $2) AS customer_email, \
                EXISTS (SELECT 1 FROM channels WHERE merchant_id = $1 AND id = $3) AS channel_found, \
                EXISTS (SELECT 1 FROM stores WHERE merchant_id = $1 AND id = $4) AS store_found, \
                EXISTS (SELECT 1 FROM orders WHERE merchant_id = $1 AND external_id = $5 AND id <> $6) \
                  AS external_id_taken",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(r.customer.unwrap_or(0)),
            Bind::I64(r.channel.unwrap_or(0)),
            Bind::I64(r.store.unwrap_or(0)),
            Bind::OptText(r.external_id.map(str::to_owned)),
            Bind::I64(r.except_order),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let refs = rows
        .into_iter()
        .next()
        .ok_or_else(|| Error::internal("order references: no row"))?;
    if r.customer.is_some() && !refs.customer_found {
        errors.add(
            &root.key("customer_id"),
            code::NOT_FOUND,
            "no such customer",
        );
    }
    if r.channel.is_some() && !refs.channel_found {
        errors.add(&root.key("channel_id"), code::NOT_FOUND, "no such channel");
    }
    if r.store.is_some() && !refs.store_found {
        errors.add(&root.key("store_id"), code::NOT_FOUND, "no such store");
    }
    if refs.external_id_taken {
        errors.add(
            &root.key("external_id"),
            code::TAKEN,
            "another order has this external id",
        );
    }
    Ok(refs.customer_email)
}

/// Creates a draft order, with its first lines when given.
pub async fn create(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    input: &OrderCreate,
) -> Result<Outcome> {
    let root = Path::input();
    let mut errors = Errors::default();
    let currency = input.currency.trim().to_ascii_uppercase();
    if !iso::is_currency(&currency) {
        errors.add(
            &root.key("currency"),
            code::INVALID,
            "must be an ISO 4217 currency code such as USD",
        );
    }
    let email = input
        .email
        .as_deref()
        .and_then(|v| email(&mut errors, &root, v));
    let notes = input
        .notes
        .as_deref()
        .and_then(|v| text(&mut errors, &root.key("notes"), v, 5000));
    let external_id = input
        .external_id
        .as_deref()
        .and_then(|v| text(&mut errors, &root.key("external_id"), v, 100));
    let metadata = input
        .metadata
        .clone()
        .unwrap_or_else(|| serde_json::json!({}));
    check_metadata(&mut errors, &root.key("metadata"), &metadata);
    let delivery = input.delivery_total.unwrap_or_default();
    check_money(&mut errors, &root.key("delivery_total"), delivery);
    let customer = decode_opt(
        &mut errors,
        &root.key("customer_id"),
        Kind::Customer,
        &input.customer_id,
    );
    let channel = decode_opt(
        &mut errors,
        &root.key("channel_id"),
        Kind::Channel,
        &input.channel_id,
    );
    let store = decode_opt(
        &mut errors,
        &root.key("store_id"),
        Kind::Store,
        &input.store_id,
    );
    let lines_path = root.key("line_items");
    let wanted = decode_lines(&mut errors, &lines_path, &input.line_items);
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }

    let customer_email = check_refs(
        conn,
        merchant_id,
        &mut errors,
        &root,
        Refd {
            customer,
            channel,
            store,
            external_id: external_id.as_deref(),
            except_order: 0,
        },
    )
    .await?;
    let email = email.or(customer_email);

    let now = Utc::now();
    let mut lines = Vec::new();
    let sources = merge_wanted(
        conn,
        merchant_id,
        &mut errors,
        &lines_path,
        &mut lines,
        &wanted,
    )
    .await?;
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let buyer = Buyer {
        currency: &currency,
        customer_id: customer,
        channel_id: channel,
    };
    let unpriced = draft::reprice(conn, merchant_id, buyer, &mut lines, now).await?;
    no_price(
        &mut errors,
        &unpriced,
        &sources,
        &lines_path,
        "variant_id",
        buyer.currency,
    );
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }

    // Everything is valid: write.
    let order = insert_draft(
        conn,
        merchant_id,
        &NewDraft {
            currency: &currency,
            customer,
            channel,
            store,
            email,
            notes,
            metadata,
            external_id,
            delivery,
        },
    )
    .await?;
    draft::recompute_and_save(conn, merchant_id, &order, &lines, now).await?;
    Ok(Ok(order.id))
}

/// Optional text: trimmed, empty means absent, at most `max` characters.
fn text(errors: &mut Errors, path: &Path, v: &str, max: usize) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    errors.length(path, v, 1, max);
    Some(v.to_owned())
}

/// An email: trimmed, empty means absent.
fn email(errors: &mut Errors, root: &Path, v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    errors.email(&root.key("email"), v);
    Some(v.to_owned())
}

fn check_metadata(errors: &mut Errors, path: &Path, m: &serde_json::Value) {
    if !m.is_object() {
        errors.add(path, code::INVALID, "must be a JSON object");
    } else if m.to_string().len() > 16_384 {
        errors.add(path, code::TOO_LONG, "must be at most 16 KiB of JSON");
    }
}

/// Money input: not negative, at most 4 decimals, within numeric(19,4).
fn check_money(errors: &mut Errors, path: &Path, d: Decimal) {
    if d.is_sign_negative() && !d.is_zero() {
        errors.add(path, code::OUT_OF_RANGE, "must not be negative");
    } else if d.normalize().scale() > 4 {
        errors.add(path, code::INVALID, "at most 4 decimals");
    } else if d >= Decimal::from(1_000_000_000_000_000_i64) {
        errors.add(path, code::OUT_OF_RANGE, "is too large");
    }
}

struct NewDraft<'a> {
    currency: &'a str,
    customer: Option<i64>,
    channel: Option<i64>,
    store: Option<i64>,
    email: Option<String>,
    notes: Option<String>,
    metadata: serde_json::Value,
    external_id: Option<String>,
    delivery: Decimal,
}

/// Order numbers: `R` and nine digits, like the seed's. The seed numbers its orders
/// `R000000001`, `R000000002`…; drafts created here draw a random number whose first digit is
/// not 0, so the two never collide (below 100 million seeded orders) and a number reveals
/// nothing about the merchant's volume. A taken number is drawn again.
fn random_number() -> String {
    format!(
        "R{}",
        rand::rng().random_range(100_000_000..=999_999_999_u32)
    )
}

async fn insert_draft(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    d: &NewDraft<'_>,
) -> Result<Locked> {
    for _ in 0..8 {
        let rows: Vec<Locked> = Sql::with_binds(
            "INSERT INTO orders (merchant_id, number, status, customer_id, channel_id, store_id, email, \
                                 currency, notes, metadata, external_id, delivery_total) \
             VALUES ($1, $2, 'draft', nullif($3, 0), nullif($4, 0), nullif($5, 0), $6, $7, $8, $9, $10, $11::numeric) \
             ON CONFLICT (merchant_id, number) DO NOTHING \
             RETURNING id, status, fulfillment_status, customer_id, channel_id, email, currency, tax_total, \
                       delivery_total, coupon_code_id, NULL::text AS coupon_code, approved_at, updated_at",
            vec![
                Bind::I64(merchant_id),
                Bind::Text(random_number()),
                Bind::I64(d.customer.unwrap_or(0)),
                Bind::I64(d.channel.unwrap_or(0)),
                Bind::I64(d.store.unwrap_or(0)),
                Bind::OptText(d.email.clone()),
                Bind::Text(d.currency.to_owned()),
                Bind::OptText(d.notes.clone()),
                Bind::Json(d.metadata.clone()),
                Bind::OptText(d.external_id.clone()),
                Bind::Text(d.delivery.to_string()),
            ],
        )
        .into_query()
        .load(conn)
        .await?;
        if let Some(order) = rows.into_iter().next() {
            return Ok(order);
        }
    }
    Err(Error::internal("no free order number after 8 draws"))
}

/// Decodes a patched ID: `Keep` → `None`, `Clear` → `Some(None)`, `Set` → `Some(Some(key))`
/// (`None` when malformed, with INVALID at `path`).
fn decode_patch(
    errors: &mut Errors,
    path: &Path,
    kind: Kind,
    p: &Patch<String>,
) -> Option<Option<i64>> {
    match p {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(id) => match ids::decode(kind, id) {
            Ok(k) => Some(Some(k)),
            Err(e) => {
                errors.add(path, code::INVALID, e.to_string());
                None
            }
        },
    }
}

/// Changes an order's header. Notes, metadata, store, email and external id can change at any
/// status; the customer, channel and delivery charge only on a draft (ORDER_NOT_EDITABLE),
/// whose lines are then priced again for the new buyer and its totals recomputed. A new
/// customer brings their email unless another is given.
pub async fn update(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    input: &OrderUpdate,
    expected: Option<DateTime<Utc>>,
) -> Result<Outcome> {
    let root = Path::input();
    let order = match draft::lock(conn, merchant_id, order_id, &Path::field("order_id")).await? {
        Ok(o) => o,
        Err(e) => return Ok(Err(vec![e])),
    };
    if let Err(e) = draft::check_expected(&order, expected) {
        return Ok(Err(vec![e]));
    }
    let mut errors = Errors::default();
    let customer = decode_patch(
        &mut errors,
        &root.key("customer_id"),
        Kind::Customer,
        &input.customer_id,
    );
    let channel = decode_patch(
        &mut errors,
        &root.key("channel_id"),
        Kind::Channel,
        &input.channel_id,
    );
    let store = decode_patch(
        &mut errors,
        &root.key("store_id"),
        Kind::Store,
        &input.store_id,
    );
    let mut new_email = match &input.email {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(v) => Some(email(&mut errors, &root, v)),
    };
    let notes = match &input.notes {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(v) => Some(text(&mut errors, &root.key("notes"), v, 5000)),
    };
    let external_id = match &input.external_id {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(v) => Some(text(&mut errors, &root.key("external_id"), v, 100)),
    };
    if let Some(m) = &input.metadata {
        check_metadata(&mut errors, &root.key("metadata"), m);
    }
    if let Some(d) = input.delivery_total {
        check_money(&mut errors, &root.key("delivery_total"), d);
    }
    // The buyer and the delivery charge decide prices and promotions: drafts only.
    if !order.is_draft() {
        let changes = [
            (
                "customer_id",
                customer.is_some_and(|c| c != order.customer_id),
            ),
            ("channel_id", channel.is_some_and(|c| c != order.channel_id)),
            (
                "delivery_total",
                input
                    .delivery_total
                    .is_some_and(|d| d != order.delivery_total),
            ),
        ];
        for (field, changed) in changes {
            if changed {
                errors.add(
                    &root.key(field),
                    code::ORDER_NOT_EDITABLE,
                    format!(
                        "the order is {}; this can only change on a draft",
                        order.status
                    ),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let customer_email = check_refs(
        conn,
        merchant_id,
        &mut errors,
        &root,
        Refd {
            customer: customer.flatten(),
            channel: channel.flatten(),
            store: store.flatten(),
            external_id: external_id.clone().flatten().as_deref(),
            except_order: order.id,
        },
    )
    .await?;
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    if new_email.is_none() && customer.is_some_and(|c| c.is_some() && c != order.customer_id) {
        new_email = Some(customer_email);
    }
    let flag = |set: bool| Bind::Bool(set);
    let rows: Vec<Locked> = Sql::with_binds(
        include_str!("update.sql"),
        vec![
            Bind::I64(merchant_id),
            Bind::I64(order.id),
            flag(customer.is_some()),
            Bind::I64(customer.flatten().unwrap_or(0)),
            flag(new_email.is_some()),
            Bind::OptText(new_email.flatten()),
            flag(channel.is_some()),
            Bind::I64(channel.flatten().unwrap_or(0)),
            flag(store.is_some()),
            Bind::I64(store.flatten().unwrap_or(0)),
            flag(notes.is_some()),
            Bind::OptText(notes.flatten()),
            flag(external_id.is_some()),
            Bind::OptText(external_id.flatten()),
            flag(input.metadata.is_some()),
            Bind::Json(
                input
                    .metadata
                    .clone()
                    .unwrap_or_else(|| serde_json::json!({})),
            ),
            Bind::OptText(input.delivery_total.map(|d| d.to_string())),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let order = rows
        .into_iter()
        .next()
        .ok_or_else(|| Error::internal("order update: no row"))?;
    if order.is_draft() {
        let now = Utc::now();
        let mut lines = draft::lines(conn, merchant_id, order.id).await?;
        draft::reprice(conn, merchant_id, order.buyer(), &mut lines, now).await?;
        draft::recompute_and_save(conn, merchant_id, &order, &lines, now).await?;
    }
    Ok(Ok(order.id))
}

/// Adds variants to a draft; a variant already on it gets its quantity increased.
pub async fn add_lines(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    items: &[LineInput],
    expected: Option<DateTime<Utc>>,
) -> Result<Outcome> {
    let path = Path::input();
    let order = match open_draft(conn, merchant_id, order_id, expected).await? {
        Ok(o) => o,
        Err(e) => return Ok(Err(e)),
    };
    let mut errors = Errors::default();
    if items.is_empty() {
        errors.add(&path, code::REQUIRED, "give at least one line item");
    }
    let wanted = decode_lines(&mut errors, &path, items);
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let now = Utc::now();
    let mut lines = draft::lines(conn, merchant_id, order.id).await?;
    let sources = merge_wanted(conn, merchant_id, &mut errors, &path, &mut lines, &wanted).await?;
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let buyer = order.buyer();
    let unpriced = draft::reprice(conn, merchant_id, buyer, &mut lines, now).await?;
    no_price(
        &mut errors,
        &unpriced,
        &sources,
        &path,
        "variant_id",
        buyer.currency,
    );
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    draft::recompute_and_save(conn, merchant_id, &order, &lines, now).await?;
    Ok(Ok(order.id))
}

/// Sets the quantity of lines of a draft.
pub async fn update_lines(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    items: &[LineChange],
    expected: Option<DateTime<Utc>>,
) -> Result<Outcome> {
    let path = Path::input();
    let order = match open_draft(conn, merchant_id, order_id, expected).await? {
        Ok(o) => o,
        Err(e) => return Ok(Err(e)),
    };
    let mut errors = Errors::default();
    if items.is_empty() {
        errors.add(&path, code::REQUIRED, "give at least one line item");
    } else if items.len() > MAX_BULK {
        errors.add(
            &path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_BULK} line items per request"),
        );
    }
    let mut changes: Vec<(usize, i64, i32)> = Vec::new();
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate().take(MAX_BULK) {
        let p = path.index(i);
        quantity(&mut errors, &p.key("quantity"), item.quantity);
        match ids::decode(Kind::LineItem, &item.id) {
            Ok(k) if !seen.insert(k) => errors.add(
                &p.key("id"),
                code::DUPLICATE_IN_REQUEST,
                "this line item is already changed by an earlier item",
            ),
            Ok(k) => changes.push((i, k, item.quantity)),
            Err(e) => errors.add(&p.key("id"), code::INVALID, e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let now = Utc::now();
    let mut lines = draft::lines(conn, merchant_id, order.id).await?;
    let position: HashMap<i64, usize> = lines.iter().enumerate().map(|(i, l)| (l.key, i)).collect();
    let mut sources: Vec<Vec<usize>> = vec![Vec::new(); lines.len()];
    for (i, id, q) in changes {
        match position.get(&id) {
            Some(&at) => {
                lines[at].quantity = q;
                sources[at].push(i);
            }
            None => errors.add(
                &path.index(i).key("id"),
                code::NOT_FOUND,
                "no such line item on this order",
            ),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let buyer = order.buyer();
    let unpriced = draft::reprice(conn, merchant_id, buyer, &mut lines, now).await?;
    no_price(
        &mut errors,
        &unpriced,
        &sources,
        &path,
        "id",
        buyer.currency,
    );
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    draft::recompute_and_save(conn, merchant_id, &order, &lines, now).await?;
    Ok(Ok(order.id))
}

/// Removes lines from a draft (an ID given twice is removed once).
pub async fn remove_lines(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    line_ids: &[String],
    expected: Option<DateTime<Utc>>,
) -> Result<Outcome> {
    let path = Path::input();
    let order = match open_draft(conn, merchant_id, order_id, expected).await? {
        Ok(o) => o,
        Err(e) => return Ok(Err(e)),
    };
    let mut errors = Errors::default();
    if line_ids.is_empty() {
        errors.add(&path, code::REQUIRED, "give at least one line item");
    } else if line_ids.len() > MAX_BULK {
        errors.add(
            &path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_BULK} line items per request"),
        );
    }
    let mut keys = Vec::new();
    for (i, id) in line_ids.iter().enumerate().take(MAX_BULK) {
        match ids::decode(Kind::LineItem, id) {
            Ok(k) => keys.push((i, k)),
            Err(e) => errors.add(&path.index(i), code::INVALID, e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let now = Utc::now();
    let mut lines = draft::lines(conn, merchant_id, order.id).await?;
    let stored: HashSet<i64> = lines.iter().map(|l| l.key).collect();
    for (i, k) in &keys {
        if !stored.contains(k) {
            errors.add(
                &path.index(*i),
                code::NOT_FOUND,
                "no such line item on this order",
            );
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors.0));
    }
    let gone: HashSet<i64> = keys.into_iter().map(|(_, k)| k).collect();
    lines.retain(|l| !gone.contains(&l.key));
    // The remaining lines follow the price book too; one that lost its price keeps the old one.
    draft::reprice(conn, merchant_id, order.buyer(), &mut lines, now).await?;
    draft::recompute_and_save(conn, merchant_id, &order, &lines, now).await?;
    Ok(Ok(order.id))
}

/// Applies a coupon code to a draft, replacing the one it had. The code is validated by the
/// promotion engine against the order as it is: when it does not apply the command is refused
/// with the engine's reason as the code (NOT_FOUND, NOT_STARTED, EXPIRED, USAGE_LIMIT_REACHED,
/// RULES_NOT_MET) and nothing is written.
pub async fn apply_coupon(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    raw_code: &str,
    expected: Option<DateTime<Utc>>,
) -> Result<Outcome> {
    let path = Path::field("code");
    let order = match open_draft(conn, merchant_id, order_id, expected).await? {
        Ok(o) => o,
        Err(e) => return Ok(Err(e)),
    };
    let entered = raw_code.trim();
    let mut errors = Errors::default();
    if errors.length(&path, entered, 1, 64) {
        let now = Utc::now();
        let lines = draft::lines(conn, merchant_id, order.id).await?;
        let evaluation =
            draft::promotions(conn, merchant_id, &order, &lines, Some(entered), now).await?;
        if let Some(e) = evaluation
            .code_errors
            .iter()
            .find(|e| e.code.eq_ignore_ascii_case(entered))
        {
            errors.add(&path, e.code(), e.message.clone());
        } else if let Some(id) = evaluation.applied.iter().find_map(|a| a.coupon_code_id) {
            let t = draft::totals_of(&order, &lines, &evaluation);
            draft::save(conn, merchant_id, &order, &lines, &t, Some(id)).await?;
            return Ok(Ok(order.id));
        } else {
            errors.add(
                &path,
                code::RULES_NOT_MET,
                "the code does not apply to this order",
            );
        }
    }
    Ok(Err(errors.0))
}

/// Removes the coupon code of a draft (nothing to remove is not an error).
pub async fn remove_coupon(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    expected: Option<DateTime<Utc>>,
) -> Result<Outcome> {
    let mut order = match open_draft(conn, merchant_id, order_id, expected).await? {
        Ok(o) => o,
        Err(e) => return Ok(Err(e)),
    };
    order.coupon_code = None;
    order.coupon_code_id = None;
    let lines = draft::lines(conn, merchant_id, order.id).await?;
    draft::recompute_and_save(conn, merchant_id, &order, &lines, Utc::now()).await?;
    Ok(Ok(order.id))
}

#[derive(QueryableByName)]
struct Deleted {
    #[diesel(sql_type = BigInt)]
    #[allow(dead_code)]
    id: i64,
}

/// Deletes a draft with its lines and adjustments. Placed orders are never deleted: they are
/// canceled (ORDER_NOT_EDITABLE).
pub async fn delete(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    expected: Option<DateTime<Utc>>,
) -> Result<Outcome> {
    let path = Path::field("order_id");
    let order = match draft::lock(conn, merchant_id, order_id, &path).await? {
        Ok(o) => o,
        Err(e) => return Ok(Err(vec![e])),
    };
    if let Err(e) = draft::check_expected(&order, expected) {
        return Ok(Err(vec![e]));
    }
    if !order.is_draft() {
        return Ok(Err(vec![FieldError::new(
            &path,
            code::ORDER_NOT_EDITABLE,
            format!(
                "the order is {}; only drafts can be deleted (cancel a placed order instead)",
                order.status
            ),
        )]));
    }
    let _: Vec<Deleted> = Sql::with_binds(
        "DELETE FROM orders WHERE merchant_id = $1 AND id = $2 RETURNING id",
        vec![Bind::I64(merchant_id), Bind::I64(order.id)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(Ok(order.id))
}
