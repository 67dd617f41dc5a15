//! Product writes: create (single or bulk, with nested variants), update, delete.
//!
//! A product always has exactly one master variant, as the seed builds them: when the input
//! lists variants, the first is the master (position 0) and the others follow in order; when it
//! lists none, a master variant is created with the product's `sku` (if any) and no options.
//! Slugs are validated against the table's format, generated from the name when absent (with a
//! `-2`, `-3`… suffix when taken) and unique per merchant (TAKEN). SKUs are unique per merchant
//! (TAKEN), also within one request (DUPLICATE_IN_REQUEST). A product whose variants line items
//! reference cannot be deleted (IN_USE). Unique and foreign-key violations that concurrent
//! writers still cause are reported on the field, never as INTERNAL.

mod checks;
mod create;
mod delete;
mod update;

pub(in crate::domain::catalog) use checks::{in_use, lock, referenced};
pub use checks::{options_text, sku, taken_skus};
pub use create::create_many;
pub use delete::delete;
pub use update::update;

use crate::domain::validate::Patch;

/// Most variants one product can be created with.
pub const MAX_VARIANTS: usize = 100;

pub const STATUSES: [&str; 3] = ["draft", "active", "archived"];

/// A variant given with a new product, or created / changed on its own.
#[derive(Debug, Clone, Default)]
pub struct VariantInput {
    /// Unique per merchant; `Clear` removes it.
    pub sku: Patch<String>,
    pub options_text: Option<String>,
    /// Only for `variantCreate` / `variantUpdate`; nested variants take their list position.
    pub position: Option<i32>,
    /// Only for `variantUpdate`: `true` makes the variant its product's master.
    pub is_master: Option<bool>,
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
}
