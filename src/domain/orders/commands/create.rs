//! Creating a draft order, with its first lines when given.

use chrono::Utc;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rand::Rng;
use rust_decimal::Decimal;
use serde::Serialize;

use super::addresses::{self, OrderAddressInput};
use super::checks::{
    check_metadata, check_money, check_refs, decode_opt, email, locale, text, Refd,
};
use super::draft::{self, Buyer, Locked};
use super::line_items::{decode_lines, merge_wanted, no_price, LineInput};
use super::Outcome;
use crate::db::sql::{Bind, Sql};
use crate::domain::merchants::settings;
use crate::domain::pricing::iso;
use crate::domain::promotions::evaluate::reason;
use crate::domain::validate::{code, Errors, Patch, Path};
use crate::error::{Error, Result};
use crate::ids::Kind;

/// A draft order to create.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrderCreate {
    /// ISO 4217 code, e.g. USD (upper-cased); `None` takes the merchant's default currency.
    pub currency: Option<String>,
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
    /// The buyer's note (at most 5,000 characters).
    pub customer_note: Option<String>,
    /// The buyer's language (`en`, `en-US`).
    pub locale: Option<String>,
    pub billing_address: Option<OrderAddressInput>,
    pub shipping_address: Option<OrderAddressInput>,
    /// One of the customer's saved addresses (`addr_…`) copied as the billing address (instead
    /// of `billing_address`; needs `customer_id`).
    pub billing_address_id: Option<String>,
    /// One of the customer's saved addresses copied as the shipping address.
    pub shipping_address_id: Option<String>,
    /// Copies the customer's default billing / shipping address onto the order for each kind
    /// not given (nothing without a customer, or for a kind the customer has no default of).
    pub use_customer_default_addresses: bool,
    /// A coupon code to apply once the lines are priced (see [`create`]).
    pub coupon_code: Option<String>,
}

/// Creates a draft order, with its first lines, addresses and coupon code when given. A coupon
/// code that does not exist refuses the create (NOT_FOUND at `coupon_code`); one that exists
/// but does not apply to this order (not started, expired, used up, rules not met) is not kept:
/// the order is created without it, as Spree creates an order with an invalid code.
pub async fn create(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    input: &OrderCreate,
) -> Result<Outcome> {
    let root = Path::input();
    let mut errors = Errors::default();
    let currency = match &input.currency {
        Some(c) => c.trim().to_ascii_uppercase(),
        None => settings::default_currency(conn, merchant_id).await?,
    };
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
    let customer_note = input
        .customer_note
        .as_deref()
        .and_then(|v| text(&mut errors, &root.key("customer_note"), v, 5000));
    let locale = input
        .locale
        .as_deref()
        .and_then(|v| locale(&mut errors, &root.key("locale"), v));
    let billing = match &input.billing_address {
        Some(a) => Patch::Set(addresses::check(
            &mut errors,
            &root.key("billing_address"),
            a,
        )),
        None => Patch::Keep,
    };
    let shipping = match &input.shipping_address {
        Some(a) => Patch::Set(addresses::check(
            &mut errors,
            &root.key("shipping_address"),
            a,
        )),
        None => Patch::Keep,
    };
    let billing_saved = addresses::pick(
        &mut errors,
        &root,
        "billing_address_id",
        input.billing_address_id.as_deref(),
        input.billing_address.is_some(),
    );
    let shipping_saved = addresses::pick(
        &mut errors,
        &root,
        "shipping_address_id",
        input.shipping_address_id.as_deref(),
        input.shipping_address.is_some(),
    );
    let picks: Vec<(&'static str, i64)> = [
        ("billing_address_id", billing_saved),
        ("shipping_address_id", shipping_saved),
    ]
    .into_iter()
    .filter_map(|(f, id)| Some((f, id?)))
    .collect();
    if input.customer_id.is_none() {
        for &(field, _) in &picks {
            errors.add(
                &root.key(field),
                code::INVALID,
                "names one of the customer's saved addresses: give customer_id too",
            );
        }
    }
    let coupon_path = root.key("coupon_code");
    let coupon = input
        .coupon_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(c) = coupon {
        errors.length(&coupon_path, c, 1, 64);
    }
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
    if let (Some(c), false) = (customer, picks.is_empty()) {
        addresses::check_saved(conn, merchant_id, c, &mut errors, &root, &picks).await?;
    }
    let email = email.or(customer_email);
    // An order that names no channel comes through the merchant's default one (as Spree's
    // default to the store's primary channel), so channel price lists apply to it as well.
    let channel = match channel {
        Some(c) => Some(c),
        None => default_channel(conn, merchant_id).await?,
    };

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
    // The code is tried against the order about to be written (no ID yet).
    let mut applied_coupon = None;
    if let Some(c) = coupon {
        let about = Locked {
            id: 0,
            status: "draft".into(),
            fulfillment_status: "unfulfilled".into(),
            customer_id: customer,
            channel_id: channel,
            email: email.clone(),
            currency: currency.clone(),
            tax_total: Decimal::ZERO,
            delivery_total: delivery,
            coupon_code_id: None,
            coupon_code: None,
            approved_at: None,
            updated_at: now,
        };
        let evaluation = draft::promotions(conn, merchant_id, &about, &lines, Some(c), now).await?;
        match evaluation
            .code_errors
            .iter()
            .find(|e| e.code.eq_ignore_ascii_case(c))
        {
            Some(e) if e.reason == reason::NOT_FOUND => {
                errors.add(&coupon_path, e.code(), e.message.clone());
                return Ok(Err(errors.0));
            }
            // Exists but does not apply now: not kept.
            Some(_) => {}
            None => {
                applied_coupon = evaluation
                    .applied
                    .iter()
                    .find_map(|a| a.coupon_code_id)
                    .map(|id| (id, c.to_owned()));
            }
        }
    }

    // Everything is valid: write.
    let mut order = insert_draft(
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
            customer_note,
            locale,
        },
    )
    .await?;
    addresses::save(
        conn,
        merchant_id,
        order.id,
        &addresses::Write {
            billing: &billing,
            shipping: &shipping,
            billing_saved,
            shipping_saved,
            copy_defaults_of: customer.filter(|_| input.use_customer_default_addresses),
        },
    )
    .await?;
    if let Some((id, code)) = applied_coupon {
        order.coupon_code_id = Some(id);
        order.coupon_code = Some(code);
    }
    draft::recompute_and_save(conn, merchant_id, &order, &lines, now).await?;
    Ok(Ok(order.id))
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
    customer_note: Option<String>,
    locale: Option<String>,
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
                                 currency, notes, metadata, external_id, delivery_total, customer_note, locale) \
             VALUES ($1, $2, 'draft', nullif($3, 0), nullif($4, 0), nullif($5, 0), $6, $7, $8, $9, $10, $11::numeric, \
                     $12, $13) \
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
                Bind::OptText(d.customer_note.clone()),
                Bind::OptText(d.locale.clone()),
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

/// The merchant's default channel, if it has one.
async fn default_channel(conn: &mut AsyncPgConnection, merchant_id: i64) -> Result<Option<i64>> {
    let rows: Vec<crate::domain::write::IdRow> = Sql::with_binds(
        "SELECT id FROM channels WHERE merchant_id = $1 AND is_default",
        vec![Bind::I64(merchant_id)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().map(|r| r.id))
}
