//! Checks shared by the order commands: header fields (text, email, metadata, money), the
//! references an order's header names, and opening a draft for a change.

use chrono::{DateTime, Utc};
use diesel::sql_types::{Bool, Nullable, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use super::draft::{self, Locked};
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, Errors, FieldError, Path};
use crate::error::{Error, Result};
use crate::ids::{self, Kind};

/// Decodes an optional ID of `kind`; INVALID at `path` when malformed.
pub(super) fn decode_opt(
    errors: &mut Errors,
    path: &Path,
    kind: Kind,
    id: &Option<String>,
) -> Option<i64> {
    let id = id.as_deref()?;
    match ids::decode(kind, id) {
        Ok(k) => Some(k),
        Err(e) => {
            errors.add(path, code::INVALID, e.to_string());
            None
        }
    }
}

/// Optional text: trimmed, empty means absent, at most `max` characters.
pub(super) fn text(errors: &mut Errors, path: &Path, v: &str, max: usize) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    errors.length(path, v, 1, max);
    Some(v.to_owned())
}

/// An email: trimmed, empty means absent.
pub(super) fn email(errors: &mut Errors, root: &Path, v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    errors.email(&root.key("email"), v);
    Some(v.to_owned())
}

/// A language tag: trimmed, empty means absent; `en_us` and `EN-us` are written `en-US`. INVALID
/// unless a language of 2–3 letters with an optional region of 2 (the column's CHECK).
pub(super) fn locale(errors: &mut Errors, path: &Path, v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    let normal = match v.split_once(['-', '_']) {
        Some((lang, region)) => format!(
            "{}-{}",
            lang.to_ascii_lowercase(),
            region.to_ascii_uppercase()
        ),
        None => v.to_ascii_lowercase(),
    };
    if !crate::domain::merchants::settings::is_locale(&normal) {
        errors.add(
            path,
            code::INVALID,
            "must be a language code such as en or en-US",
        );
    }
    Some(normal)
}

pub(super) fn check_metadata(errors: &mut Errors, path: &Path, m: &serde_json::Value) {
    if !m.is_object() {
        errors.add(path, code::INVALID, "must be a JSON object");
    } else if m.to_string().len() > 16_384 {
        errors.add(path, code::TOO_LONG, "must be at most 16 KiB of JSON");
    }
}

/// Money input: not negative, at most 4 decimals, within numeric(19,4).
pub(super) fn check_money(errors: &mut Errors, path: &Path, d: Decimal) {
    if d.is_sign_negative() && !d.is_zero() {
        errors.add(path, code::OUT_OF_RANGE, "must not be negative");
    } else if d.normalize().scale() > 4 {
        errors.add(path, code::INVALID, "at most 4 decimals");
    } else if d >= Decimal::from(1_000_000_000_000_000_i64) {
        errors.add(path, code::OUT_OF_RANGE, "is too large");
    }
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
pub(super) struct Refd<'a> {
    pub(super) customer: Option<i64>,
    pub(super) channel: Option<i64>,
    pub(super) store: Option<i64>,
    pub(super) external_id: Option<&'a str>,
    /// The order being changed (0: a new one), whose own external id is not taken.
    pub(super) except_order: i64,
}

/// Checks, in one statement, that the customer, channel and store given are the merchant's
/// (NOT_FOUND) and that the external id is free (TAKEN). Returns the customer's email.
pub(super) async fn check_refs(
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
