//! Product writes: create (single or bulk, with nested variants), update, delete.
//!
//! A product always has exactly one master variant, as the seed builds them: when the input
//! lists variants, the first is the master and each takes its index in the list as position
//! (or the position it gives, unique among them); when it lists none, a master variant is
//! created with the product's `sku` (if any) and no options. A new product may be published
//! on channels (`channel_ids`, or `publications` with windows) in the same transaction, and an
//! update may replace its publications ([`publications`]).
//! Slugs are validated against the table's format, generated from the name when absent (with a
//! `-2`, `-3`… suffix when taken) and unique per merchant (TAKEN). SKUs are unique per merchant
//! (TAKEN), also within one request (DUPLICATE_IN_REQUEST). A product whose variants line items
//! reference is retired instead of deleted ([`retire`]): hidden from every read, kept for the
//! orders that sold it. Unique and foreign-key violations that concurrent
//! writers still cause are reported on the field, never as INTERNAL.
//!
//! Variants may carry base prices ([`super::prices`]) and a `compare_at_price` for the one in
//! the default currency, written in the same transaction; an
//! update may list variants too: one with an `id` (of this product) is changed, one without is
//! added. Tags replace the product's tags; [`tags`] adds and removes them on many products.

mod bulk;
mod checks;
mod create;
mod delete;
mod publications;
pub(in crate::domain::catalog) mod retire;
mod tags;
mod update;

pub use bulk::{delete_many, set_status};
pub(in crate::domain::catalog) use checks::{lock, referenced};
pub use checks::{options_text, sku, taken_skus};
pub use create::create_many;
pub use delete::delete;
pub use publications::{PublicationInput, MAX_CHANNELS};
pub use tags::change_tags;
pub use update::update;

use super::prices::VariantPrice;
use crate::domain::validate::Patch;

/// Most variants one product can be created with.
pub const MAX_VARIANTS: usize = 100;

pub const STATUSES: [&str; 3] = ["draft", "active", "archived"];

/// A variant given with a new product, or created / changed on its own.
#[derive(Debug, Clone, Default)]
pub struct VariantInput {
    /// Only for variants nested in a product update: the variant (`variant_…`) to change.
    pub id: Option<String>,
    /// Unique per merchant; `Clear` removes it.
    pub sku: Patch<String>,
    pub options_text: Option<String>,
    /// 0–100000. Nested in a product create: default its index in the list (unique among the
    /// product's variants); `variantCreate`: default after the product's last variant.
    pub position: Option<i32>,
    /// Only for `variantUpdate`: `true` makes the variant its product's master.
    pub is_master: Option<bool>,
    /// Base prices, upserted by currency.
    pub prices: Vec<VariantPrice>,
    /// The compare-at amount of the price among `prices` in the merchant's default currency
    /// (see [`super::prices::write`]).
    pub compare_at_price: Option<rust_decimal::Decimal>,
}

/// A product to create, or changes to one (`variants` and `sku` only on create).
#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Patch<String>,
    pub status: Option<String>,
    /// SKU of the master variant when no variants are listed.
    pub sku: Option<String>,
    pub variants: Option<Vec<VariantInput>>,
    /// Replaces the product's tags when given.
    pub tags: Option<Vec<String>>,
    /// Create only: channels (`ch_…`) the new product is published on now, in the same
    /// transaction.
    pub channel_ids: Option<Vec<String>>,
    /// Create: the channels the new product is published on, each with a window (instead of
    /// `channel_ids`). Update: the product's whole set of publications, reconciled.
    pub publications: Option<Vec<PublicationInput>>,
}
