//! Customer writes: bulk create / update / delete, tags and group membership. Every command
//! validates all items first (field errors with paths), then writes the valid ones in one
//! transaction with multi-row statements. Under `RejectEverything` nothing is written when any
//! item fails.
//!
//! One file per command family: [`create`], [`update`], [`delete`], [`tags`], and the addresses
//! of a customer ([`addresses`]); [`input`] checks fields, [`checks`] what needs the database.

pub mod addresses;
mod checks;
mod create;
mod delete;
pub mod input;
mod tags;
mod update;

pub use create::create_many;
pub use delete::delete_many;
pub use input::{normalize_tags, CustomerInput};
pub use tags::change_tags;
pub use update::update_many;
