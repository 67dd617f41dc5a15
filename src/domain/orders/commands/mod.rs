//! Order writes, one file per command family. Draft writes ([`create`], [`update`],
//! [`line_items`], [`coupons`], [`delete`]) validate everything before they write anything (a
//! refused command writes nothing), lock the order row, and end with one statement that saves the
//! lines, the adjustments and the totals recomputed from them (see [`draft`]). [`transitions`] is
//! the state machine of placed orders.
//!
//! Line items take their prices from the price book (`pricing::quote::quote_many`, one statement
//! for every line of the order): a draft's lines are re-priced on every line change, so a draft
//! always shows what the buyer would pay now; completing the order freezes them.

pub mod addresses;
mod checks;
pub mod coupons;
pub mod create;
pub mod delete;
pub mod draft;
pub mod line_items;
pub mod transitions;
pub mod update;

use crate::domain::validate::FieldError;

pub use addresses::OrderAddressInput;
pub use checks::open_draft;
pub use coupons::{apply_coupon, remove_coupon};
pub use create::{create, OrderCreate};
pub use delete::delete;
pub use line_items::{add_lines, remove_lines, update_lines, LineChange, LineInput, LineSet};
pub use update::{update, OrderUpdate};

/// The outcome of a command: the order's key, or the field errors that refused it.
pub type Outcome = std::result::Result<i64, Vec<FieldError>>;
