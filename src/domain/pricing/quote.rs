//! The price a buyer gets: for each request (variant, currency, quantity, customer, channel,
//! moment), the lowest-position price list in effect whose rules match the buyer, or the base
//! price. Every request of a call is resolved by ONE SQL statement (`quote.sql`: the requests
//! unnested from arrays, each joined LATERAL to its candidate prices), so pricing a cart of N
//! lines costs one round trip whatever N is.
//!
//! Semantics (see `quote.sql` for the statement):
//! - candidates: the base price (no price list) and the prices of lists that are `active` or
//!   `scheduled` with `at` inside `[starts_at, ends_at)` (a missing bound is open); `draft` and
//!   `inactive` lists never apply;
//! - a list matches under its match policy: `all` = every rule matches, `any` = at least one;
//!   a list without rules matches everyone;
//! - rules: `customer_group` (the customer is a member), `channel`, `customer`, `volume`
//!   (quantity ≥ min_quantity), `market` (equal to the request's market; a market rule matches
//!   nobody when no market is given — [`quote_many`] gives none, [`quote_many_in_markets`] can);
//! - the matching list with the lowest position wins (tie: lowest id), the base price otherwise;
//!   the deciding rule reported is the list's matching rule with the lowest id (none for a list
//!   without rules or for the base price).

use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Numeric, Text, Timestamptz};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::error::{Error, Result};

/// One price question: what does this buyer pay for `quantity` of a variant, in a currency, at
/// a moment.
#[derive(Debug, Clone)]
pub struct QuoteRequest {
    /// Internal key of the variant.
    pub variant_id: i64,
    /// ISO 4217, upper-case.
    pub currency: String,
    pub quantity: i32,
    pub customer_id: Option<i64>,
    pub channel_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// The answer to a [`QuoteRequest`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    pub variant_id: i64,
    pub currency: String,
    pub quantity: i32,
    /// Unit price the buyer pays.
    pub amount: Decimal,
    pub compare_at_amount: Option<Decimal>,
    /// The price row that decided.
    pub price_id: i64,
    /// `None`: the base price decided.
    pub price_list_id: Option<i64>,
    /// The rule of the list that matched, if the list has rules.
    pub price_rule_id: Option<i64>,
}

#[derive(QueryableByName)]
struct QuoteRow {
    #[diesel(sql_type = BigInt)]
    idx: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    price_id: Option<i64>,
    #[diesel(sql_type = Nullable<Numeric>)]
    amount: Option<Decimal>,
    #[diesel(sql_type = Nullable<Numeric>)]
    compare_at_amount: Option<Decimal>,
    #[diesel(sql_type = Nullable<BigInt>)]
    price_list_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    price_rule_id: Option<i64>,
}

/// Quotes every request with ONE SQL statement; results are in request order, `None` where the
/// variant (of this merchant) has no applicable price in that currency. Market rules match
/// nobody here (no market is known); see [`quote_many_in_markets`].
pub async fn quote_many(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    requests: &[QuoteRequest],
) -> Result<Vec<Option<Quote>>> {
    quote_many_in_markets(conn, merchant_id, requests, &[]).await
}

/// [`quote_many`] where request `i` is made from market `markets[i]` (ISO 3166-1 alpha-2,
/// upper-case; missing entries are `None`), so `market` rules can match.
pub async fn quote_many_in_markets(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    requests: &[QuoteRequest],
    markets: &[Option<String>],
) -> Result<Vec<Option<Quote>>> {
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let market = |i: usize| markets.get(i).cloned().flatten();
    let rows: Vec<QuoteRow> = diesel::sql_query(include_str!("quote.sql"))
        .bind::<BigInt, _>(merchant_id)
        .bind::<Array<BigInt>, _>(requests.iter().map(|r| r.variant_id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(
            requests
                .iter()
                .map(|r| r.currency.clone())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Integer>, _>(requests.iter().map(|r| r.quantity).collect::<Vec<_>>())
        .bind::<Array<Nullable<BigInt>>, _>(
            requests.iter().map(|r| r.customer_id).collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<BigInt>>, _>(
            requests.iter().map(|r| r.channel_id).collect::<Vec<_>>(),
        )
        .bind::<Array<Timestamptz>, _>(requests.iter().map(|r| r.at).collect::<Vec<_>>())
        .bind::<Array<Nullable<Text>>, _>((0..requests.len()).map(market).collect::<Vec<_>>())
        .load(conn)
        .await?;
    // One row per request, in request order (the statement orders by ordinality).
    let in_order =
        rows.len() == requests.len() && rows.iter().enumerate().all(|(i, r)| r.idx == i as i64);
    if !in_order {
        return Err(Error::internal(
            "quote: one row per request expected, in order",
        ));
    }
    Ok(rows
        .into_iter()
        .zip(requests)
        .map(|(row, req)| {
            Some(Quote {
                variant_id: req.variant_id,
                currency: req.currency.clone(),
                quantity: req.quantity,
                amount: row.amount?,
                compare_at_amount: row.compare_at_amount,
                price_id: row.price_id?,
                price_list_id: row.price_list_id,
                price_rule_id: row.price_rule_id,
            })
        })
        .collect())
}
