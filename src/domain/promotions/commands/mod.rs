//! Promotion writes: create / update / delete, rules and actions added or removed one at a time,
//! and coupon code batches. All validation happens before the first write, so a refused command
//! writes nothing; each command runs inside the mutation's transaction.
//!
//! One file per command family: [`create`], [`update`], [`delete`], [`children`] (rules and
//! actions one at a time), [`rule_update`] and [`action_update`] (a rule or an action changed
//! in place) and [`generate_codes`];
//! [`reconcile`] makes an update's rules and actions the desired set; [`input`] validates rules and actions,
//! [`codes`] builds coupon codes, [`lock`] finds the promotion a command changes.

mod action_update;
mod children;
pub mod codes;
mod create;
mod delete;
mod generate_codes;
pub mod input;
mod lock;
mod reconcile;
mod rule_update;
mod update;

use crate::domain::validate::FieldError;

pub use action_update::{update_action, ActionPatch};
pub use children::{add_action, add_rule, remove_child};
pub use create::{create, PromotionInput};
pub use delete::delete;
pub use generate_codes::generate_codes;
pub use rule_update::{update_rule, RulePatch};
pub use update::update;

/// The key written, or the field errors that refused the command.
pub type Written = std::result::Result<i64, Vec<FieldError>>;

/// The keys of a promotion and of its rule or action written, or the field errors.
pub type WrittenChild = std::result::Result<(i64, i64), Vec<FieldError>>;
