//! Line items of a draft: the inputs, their decoding and merging, and the commands that add,
//! change and remove lines.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Serialize;

use super::checks::{check_metadata, open_draft};
use super::draft::{self, Line, MAX_LINES, MAX_QUANTITY, MIN_QUANTITY};
use super::Outcome;
use crate::domain::validate::{code, Errors, Path, MAX_BULK};
use crate::error::Result;
use crate::ids::{self, Kind};

/// A variant and how many of it to add.
#[derive(Debug, Clone, Serialize)]
pub struct LineInput {
    /// `variant_…`
    pub variant_id: String,
    pub quantity: i32,
    /// A JSON object merged into the line's metadata.
    pub metadata: Option<serde_json::Value>,
}

/// A new quantity for a line of the order.
#[derive(Debug, Clone, Serialize)]
pub struct LineChange {
    /// `li_…`
    pub id: String,
    pub quantity: i32,
    /// A JSON object merged into the line's metadata.
    pub metadata: Option<serde_json::Value>,
}

/// A variant line requested by the caller, decoded: (input index, variant key, quantity).
pub(super) struct Wanted {
    pub(super) index: usize,
    pub(super) variant_id: i64,
    pub(super) quantity: i32,
    pub(super) metadata: Option<serde_json::Value>,
}

/// Metadata of a line's input, when given: a JSON object of at most 16 KiB.
pub(super) fn line_metadata(errors: &mut Errors, path: &Path, m: Option<&serde_json::Value>) {
    if let Some(m) = m {
        check_metadata(errors, &path.key("metadata"), m);
    }
}

/// A line's metadata after a merge, still within 16 KiB.
pub(super) fn merged_metadata(errors: &mut Errors, path: &Path, line: &Line) {
    if line.metadata.to_string().len() > 16_384 {
        errors.add(
            &path.key("metadata"),
            code::TOO_LONG,
            "the line's metadata would be more than 16 KiB of JSON",
        );
    }
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

/// Checks the shape of requested lines (count, IDs, quantities) without the database.
pub(super) fn decode_lines(errors: &mut Errors, path: &Path, items: &[LineInput]) -> Vec<Wanted> {
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
        line_metadata(errors, &p, item.metadata.as_ref());
        match ids::decode(Kind::Variant, &item.variant_id) {
            Ok(v) => out.push(Wanted {
                index: i,
                variant_id: v,
                quantity: item.quantity,
                metadata: item.metadata.clone(),
            }),
            Err(e) => errors.add(&p.key("variant_id"), code::INVALID, e.to_string()),
        }
    }
    out
}

/// Adds the wanted variants to `lines`: a variant already on the order (or earlier in the
/// request) gets its quantity increased, another one becomes a new line. Returns, per line, the
/// input indexes that touched it (for NO_PRICE errors).
pub(super) async fn merge_wanted(
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
                    lines[at].merge_metadata(w.metadata.as_ref());
                    merged_metadata(errors, &p, &lines[at]);
                    sources[at].push(w.index);
                }
            }
            None => {
                let mut line = Line {
                    key: -(w.index as i64) - 1,
                    variant_id: w.variant_id,
                    product_id,
                    quantity: w.quantity,
                    price: Decimal::ZERO,
                    price_list_id: None,
                    metadata: serde_json::json!({}),
                };
                line.merge_metadata(w.metadata.as_ref());
                lines.push(line);
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

/// A variant's line as an order update sets it (Spree's `items` on an order update): the
/// quantity the line should have, 0 removing it, and metadata to merge into it.
#[derive(Debug, Clone, Serialize)]
pub struct LineSet {
    /// `variant_…`
    pub variant_id: String,
    /// 0–100,000: 0 removes the variant's line (nothing to remove is not an error).
    pub quantity: i32,
    /// A JSON object merged into the line's metadata.
    pub metadata: Option<serde_json::Value>,
}

/// Checks the shape of the lines an update sets (count, IDs, quantities 0–100,000, a variant
/// at most once) without the database.
pub(super) fn decode_sets(errors: &mut Errors, path: &Path, items: &[LineSet]) -> Vec<Wanted> {
    if items.len() > MAX_BULK {
        errors.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_BULK} line items per request"),
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        if !(0..=MAX_QUANTITY).contains(&item.quantity) {
            errors.add(
                &p.key("quantity"),
                code::OUT_OF_RANGE,
                format!("must be between 0 (removes the line) and {MAX_QUANTITY}"),
            );
        }
        line_metadata(errors, &p, item.metadata.as_ref());
        match ids::decode(Kind::Variant, &item.variant_id) {
            Ok(v) if !seen.insert(v) => errors.add(
                &p.key("variant_id"),
                code::DUPLICATE_IN_REQUEST,
                "this variant is already set by an earlier item",
            ),
            Ok(v) => out.push(Wanted {
                index: i,
                variant_id: v,
                quantity: item.quantity,
                metadata: item.metadata.clone(),
            }),
            Err(e) => errors.add(&p.key("variant_id"), code::INVALID, e.to_string()),
        }
    }
    out
}

/// Sets the wanted variants' lines in `lines`: a variant on the order takes the quantity (0
/// removes its line), another one becomes a new line (0: nothing); other lines stay. Returns,
/// per line left, the input indexes that touched it (for NO_PRICE errors).
pub(super) async fn apply_sets(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    errors: &mut Errors,
    path: &Path,
    lines: &mut Vec<Line>,
    wanted: &[Wanted],
) -> Result<Vec<Vec<usize>>> {
    let new_variants: Vec<i64> = wanted
        .iter()
        .filter(|w| w.quantity > 0 && !lines.iter().any(|l| l.variant_id == w.variant_id))
        .map(|w| w.variant_id)
        .collect();
    let products = draft::variant_products(conn, merchant_id, &new_variants).await?;
    let mut sources: Vec<Vec<usize>> = vec![Vec::new(); lines.len()];
    let mut removed = HashSet::new();
    for w in wanted {
        let p = path.index(w.index);
        match lines.iter().position(|l| l.variant_id == w.variant_id) {
            Some(at) if w.quantity == 0 => {
                removed.insert(lines[at].key);
            }
            Some(at) => {
                lines[at].quantity = w.quantity;
                lines[at].merge_metadata(w.metadata.as_ref());
                merged_metadata(errors, &p, &lines[at]);
                sources[at].push(w.index);
            }
            None if w.quantity == 0 => {}
            None => {
                let Some(&product_id) = products.get(&w.variant_id) else {
                    errors.add(&p.key("variant_id"), code::NOT_FOUND, "no such variant");
                    continue;
                };
                let mut line = Line {
                    key: -(w.index as i64) - 1,
                    variant_id: w.variant_id,
                    product_id,
                    quantity: w.quantity,
                    price: Decimal::ZERO,
                    price_list_id: None,
                    metadata: serde_json::json!({}),
                };
                line.merge_metadata(w.metadata.as_ref());
                lines.push(line);
                sources.push(vec![w.index]);
            }
        }
    }
    let kept: Vec<bool> = lines.iter().map(|l| !removed.contains(&l.key)).collect();
    let mut at = 0;
    lines.retain(|_| {
        at += 1;
        kept[at - 1]
    });
    let sources: Vec<Vec<usize>> = sources
        .into_iter()
        .zip(&kept)
        .filter(|(_, k)| **k)
        .map(|(s, _)| s)
        .collect();
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
pub(super) fn no_price(
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
    let mut changes: Vec<(usize, i64, &LineChange)> = Vec::new();
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate().take(MAX_BULK) {
        let p = path.index(i);
        quantity(&mut errors, &p.key("quantity"), item.quantity);
        line_metadata(&mut errors, &p, item.metadata.as_ref());
        match ids::decode(Kind::LineItem, &item.id) {
            Ok(k) if !seen.insert(k) => errors.add(
                &p.key("id"),
                code::DUPLICATE_IN_REQUEST,
                "this line item is already changed by an earlier item",
            ),
            Ok(k) => changes.push((i, k, item)),
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
    for (i, id, item) in changes {
        match position.get(&id) {
            Some(&at) => {
                lines[at].quantity = item.quantity;
                lines[at].merge_metadata(item.metadata.as_ref());
                merged_metadata(&mut errors, &path.index(i), &lines[at]);
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
