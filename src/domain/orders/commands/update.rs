//! Changing an order: its header (buyer, email, notes, metadata, delivery charge), its
//! addresses, and on a draft the lines of given variants, all in one command.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use serde::Serialize;

use super::addresses::{self, OrderAddressInput};
use super::checks::{check_metadata, check_money, check_refs, email, locale, text, Refd};
use super::draft::{self, Buyer, Locked};
use super::line_items::{apply_sets, decode_sets, no_price, LineSet};
use super::Outcome;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, Errors, Patch, Path};
use crate::error::{Error, Result};
use crate::ids::{self, Kind};

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
    #[serde(serialize_with = "ser_patch")]
    pub customer_note: Patch<String>,
    #[serde(serialize_with = "ser_patch")]
    pub locale: Patch<String>,
    /// `Set` replaces the address whole, `Clear` removes it.
    #[serde(serialize_with = "ser_address")]
    pub billing_address: Patch<OrderAddressInput>,
    #[serde(serialize_with = "ser_address")]
    pub shipping_address: Patch<OrderAddressInput>,
    /// Lines to set by variant (drafts only): see [`LineSet`].
    pub line_items: Option<Vec<LineSet>>,
}

fn ser_address<S: serde::Serializer>(
    p: &Patch<OrderAddressInput>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match p {
        Patch::Keep => s.serialize_str("\u{0}keep"),
        Patch::Set(v) => s.serialize_some(v),
        Patch::Clear => s.serialize_none(),
    }
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

/// Changes an order. Notes, metadata, store, email, external id, the customer's note, the
/// locale and the addresses can change at any status; the customer, channel, delivery charge
/// and lines only on a draft (ORDER_NOT_EDITABLE), whose lines are then priced again for the
/// buyer and its totals recomputed. A new customer brings their email unless another is given.
/// Everything is checked before anything is written.
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
    let customer_note = match &input.customer_note {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(v) => Some(text(&mut errors, &root.key("customer_note"), v, 5000)),
    };
    let locale = match &input.locale {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(v) => Some(locale(&mut errors, &root.key("locale"), v)),
    };
    let billing = addresses::check_patch(
        &mut errors,
        &root.key("billing_address"),
        &input.billing_address,
    );
    let shipping = addresses::check_patch(
        &mut errors,
        &root.key("shipping_address"),
        &input.shipping_address,
    );
    let lines_path = root.key("line_items");
    let sets = input
        .line_items
        .as_deref()
        .map(|items| decode_sets(&mut errors, &lines_path, items));
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
            (
                "line_items",
                input.line_items.as_ref().is_some_and(|l| !l.is_empty()),
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
    // A draft's lines, priced for the buyer after the change, before anything is written.
    let now = Utc::now();
    let mut lines = Vec::new();
    if order.is_draft() {
        lines = draft::lines(conn, merchant_id, order.id).await?;
        let mut sources = Vec::new();
        if let Some(wanted) = &sets {
            sources = apply_sets(
                conn,
                merchant_id,
                &mut errors,
                &lines_path,
                &mut lines,
                wanted,
            )
            .await?;
            if !errors.is_empty() {
                return Ok(Err(errors.0));
            }
        }
        let buyer = Buyer {
            currency: &order.currency,
            customer_id: customer.unwrap_or(order.customer_id),
            channel_id: channel.unwrap_or(order.channel_id),
        };
        let unpriced = draft::reprice(conn, merchant_id, buyer, &mut lines, now).await?;
        no_price(
            &mut errors,
            &unpriced,
            &sources,
            &lines_path,
            "variant_id",
            &order.currency,
        );
        if !errors.is_empty() {
            return Ok(Err(errors.0));
        }
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
            flag(customer_note.is_some()),
            Bind::OptText(customer_note.flatten()),
            flag(locale.is_some()),
            Bind::OptText(locale.flatten()),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let order = rows
        .into_iter()
        .next()
        .ok_or_else(|| Error::internal("order update: no row"))?;
    addresses::save(
        conn,
        merchant_id,
        order.id,
        &addresses::Write {
            billing: &billing,
            shipping: &shipping,
            billing_saved: None,
            shipping_saved: None,
            copy_defaults_of: None,
        },
    )
    .await?;
    if order.is_draft() {
        draft::recompute_and_save(conn, merchant_id, &order, &lines, now).await?;
    }
    Ok(Ok(order.id))
}
