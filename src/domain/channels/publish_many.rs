//! Publishing many products on many channels at once (Spree's `bulk_add_to_channels` and
//! `bulk_remove_from_channels`), in one statement so that a refusal or a failure leaves every
//! channel as it was.
//!
//! Rules: every product must be the merchant's (NOT_FOUND at item `i` otherwise, and
//! nothing is written); channels that are not the merchant's are skipped, as Spree's store
//! scoping skips them, and the answer names the channels that were written.

use std::collections::HashSet;

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use crate::db::savepoint;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, Errors, FieldError, ItemResult, Path, MAX_BULK};
use crate::domain::write::{self, IdRow};
use crate::error::Result;
use crate::ids::Kind;

/// Channels one call may name.
pub const MAX_CHANNELS: usize = 50;

/// What a call did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Published {
    /// One result per product, in input order (its key when written).
    pub items: Vec<ItemResult>,
    /// Errors of the request as a whole (limits, undecodable channel IDs, a concurrent delete).
    pub errors: Vec<FieldError>,
    /// Keys of the merchant's channels among those named, in input order, duplicates dropped.
    pub channels: Vec<i64>,
    /// Publications added (publish) or removed (unpublish).
    pub changed: u64,
}

/// Adds (`publish`) or removes the publications of `product_ids` on `channel_ids`, all or
/// nothing.
pub async fn publish_many(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    channel_ids: &[String],
    product_ids: &[String],
    publish: bool,
) -> Result<Published> {
    let products_path = Path::input();
    let channels_path = Path::field("channel_ids");
    let mut request = Errors::default();
    if product_ids.len() > MAX_BULK {
        request.add(
            &products_path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_BULK} products, got {}", product_ids.len()),
        );
    }
    if channel_ids.len() > MAX_CHANNELS {
        request.add(
            &channels_path,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_CHANNELS} channels, got {}", channel_ids.len()),
        );
    }
    if product_ids.is_empty() {
        request.add(&products_path, code::REQUIRED, "name at least one product");
    }
    if channel_ids.is_empty() {
        request.add(&channels_path, code::REQUIRED, "name at least one channel");
    }
    if !request.is_empty() {
        return Ok(refused(product_ids.len(), request));
    }
    let channel_keys: Vec<Option<i64>> = channel_ids
        .iter()
        .enumerate()
        .map(|(i, id)| write::decode(&mut request, &channels_path.index(i), Kind::Channel, id))
        .collect();
    let mut items: Vec<Errors> = product_ids.iter().map(|_| Errors::default()).collect();
    let product_keys: Vec<Option<i64>> = product_ids
        .iter()
        .enumerate()
        .map(|(i, id)| write::decode(&mut items[i], &products_path.index(i), Kind::Product, id))
        .collect();
    // One statement answers both questions: which products and which channels are the
    // merchant's (channels come back negated).
    let found: Vec<IdRow> = Sql::with_binds(
        "SELECT id FROM products WHERE merchant_id = $1 AND id = ANY($2) AND deleted_at IS NULL \
         UNION ALL SELECT -id FROM channels WHERE merchant_id = $1 AND id = ANY($3)",
        vec![
            Bind::I64(merchant_id),
            Bind::I64s(product_keys.iter().flatten().copied().collect()),
            Bind::I64s(channel_keys.iter().flatten().copied().collect()),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let found: HashSet<i64> = found.into_iter().map(|r| r.id).collect();
    for (i, k) in product_keys.iter().enumerate() {
        if let Some(k) = k {
            if !found.contains(k) {
                items[i]
                    .0
                    .push(write::not_found(&products_path.index(i), Kind::Product));
            }
        }
    }
    let mut channels: Vec<i64> = Vec::new();
    for k in channel_keys.iter().flatten() {
        if found.contains(&-k) && !channels.contains(k) {
            channels.push(*k);
        }
    }
    if !request.is_empty() || items.iter().any(|e| !e.is_empty()) {
        let mut out = refused(0, request);
        out.items = results(items, &product_keys, false);
        return Ok(out);
    }
    let mut products: Vec<i64> = product_keys.iter().flatten().copied().collect();
    products.sort_unstable();
    products.dedup();
    let sql = if publish {
        "INSERT INTO product_publications (merchant_id, channel_id, product_id) \
         SELECT $1, c, p FROM unnest($2::bigint[]) c CROSS JOIN unnest($3::bigint[]) p \
         ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM product_publications \
         WHERE merchant_id = $1 AND channel_id = ANY($2) AND product_id = ANY($3)"
    };
    let mut changed = 0;
    if !channels.is_empty() {
        let written = savepoint::attempt(conn, async |c| {
            let n = Sql::with_binds(
                sql,
                vec![
                    Bind::I64(merchant_id),
                    Bind::I64s(channels.clone()),
                    Bind::I64s(products),
                ],
            )
            .into_query()
            .execute(c)
            .await?;
            Ok(n)
        })
        .await?;
        match written {
            Ok(n) => changed = n as u64,
            // A channel or a product was deleted by a concurrent request after we looked.
            Err(_) => {
                request.add(
                    &Path::input(),
                    code::CONFLICT,
                    "a channel or a product was deleted meanwhile; retry",
                );
                let mut out = refused(0, request);
                out.items = results(items, &product_keys, false);
                return Ok(out);
            }
        }
    }
    Ok(Published {
        items: results(items, &product_keys, true),
        errors: Vec::new(),
        channels,
        changed,
    })
}

/// Nothing written: `n` empty item results and the request's errors.
fn refused(n: usize, request: Errors) -> Published {
    Published {
        items: (0..n)
            .map(|index| ItemResult {
                index,
                id: None,
                errors: Vec::new(),
            })
            .collect(),
        errors: request.0,
        channels: Vec::new(),
        changed: 0,
    }
}

fn results(items: Vec<Errors>, keys: &[Option<i64>], written: bool) -> Vec<ItemResult> {
    items
        .into_iter()
        .zip(keys)
        .enumerate()
        .map(|(index, (e, k))| ItemResult {
            index,
            id: if written && e.is_empty() { *k } else { None },
            errors: e.0,
        })
        .collect()
}
