//! Price writes in bulk: `upsert_many` (keyed by price ID, or by variant + currency + price list,
//! the list omitted for the base price) and `delete_many`.
//!
//! `upsert_many` takes up to [`MAX_PRICES`] items — ten times `MAX_BULK`, because catalogs are
//! repriced a list at a time — and costs two statements whatever their number: one batched
//! lookup (variants, price lists, the prices addressed by id and by key) and one write
//! (`upsert.sql`: an UPDATE by id and INSERT … ON CONFLICT DO UPDATE by key, as CTEs).
//!
//! Rules: `amount` (omitted: the stored one; required for a new price) ≥ 0 with at most 4 decimals (below 10^15, the column's range);
//! `compareAtAmount`, when set, has the same shape and is at least `amount` (equal allowed) —
//! checked against the stored value when it is omitted on an update, and backed by a table
//! constraint; `currency` is an upper-case ISO 4217 code; an item with `id` may repeat its
//! variant / currency / list but not change them (IMMUTABLE); an unknown ID, or another
//! merchant's, is NOT_FOUND on its field; two items addressing the same price are
//! DUPLICATE_IN_REQUEST. With [`IfExists::Refuse`] an item addressed by a key whose price
//! exists is TAKEN at `currency` (a create, not an upsert). With `RejectEverything` nothing is
//! written when any item fails.

mod delete;
mod upsert;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::validate::{FieldError, ItemResult, Patch};

pub use delete::delete_many;
pub(crate) use upsert::check_money;
pub use upsert::{upsert_many, write_many};

/// What a write does with an item addressed by its key (not by `id`) whose price exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IfExists {
    /// Update it (an upsert).
    #[default]
    Update,
    /// Refuse the item (TAKEN at `currency`): it creates a price or fails.
    Refuse,
}

/// Most items `upsert_many` and `delete_many` take in one call.
pub const MAX_PRICES: usize = 10_000;

/// One price to write.
#[derive(Debug, Clone, Default)]
pub struct PriceInput {
    /// The price (`price_…`) to update; otherwise the price is addressed by its key.
    pub id: Option<String>,
    pub variant_id: Option<String>,
    pub currency: Option<String>,
    /// Omitted: the base price.
    pub price_list_id: Option<String>,
    /// `None`: keep the stored amount (a price addressed by `id`, or by a key that exists);
    /// required for a new price.
    pub amount: Option<Decimal>,
    /// Keep: leave the stored one (none for a new price); Clear: remove it.
    pub compare_at_amount: Patch<Decimal>,
}

impl Serialize for PriceInput {
    /// For idempotency hashes: every field, `Keep` distinct from `Clear`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let compare_at = match &self.compare_at_amount {
            Patch::Keep => serde_json::Value::String("keep".into()),
            Patch::Clear => serde_json::Value::Null,
            Patch::Set(d) => serde_json::json!([d.to_string()]),
        };
        (
            &self.id,
            &self.variant_id,
            &self.currency,
            &self.price_list_id,
            self.amount.map(|a| a.to_string()),
            compare_at,
        )
            .serialize(s)
    }
}

/// What `upsert_many` did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UpsertOutcome {
    /// One per item, in input order; `id` is the price written.
    pub items: Vec<ItemResult>,
    pub created: usize,
    pub updated: usize,
    /// Errors of the request as a whole (nothing was written).
    #[serde(default)]
    pub errors: Vec<FieldError>,
}
