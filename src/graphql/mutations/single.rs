//! Glue shared by the single-record mutations (addresses, channels, catalog).

use async_graphql::MaybeUndefined;

use super::Outcome;
use crate::domain::validate::{ItemResult, Patch};
use crate::domain::write::Single;

/// The outcome of a single-record command: one written item, or request-level errors.
pub fn outcome(result: Single) -> Outcome {
    match result {
        Ok(id) => Outcome {
            items: vec![ItemResult {
                index: 0,
                id: Some(id),
                errors: vec![],
            }],
            ..Outcome::default()
        },
        Err(errors) => Outcome {
            errors,
            ..Outcome::default()
        },
    }
}

/// A nullable input field: absent keeps the value, `null` clears it.
pub fn patch(v: MaybeUndefined<String>) -> Patch<String> {
    match v {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(s) => Patch::Set(s),
    }
}

/// An optional input field that can only be set.
pub fn set(v: Option<String>) -> Patch<String> {
    v.map(Patch::Set).unwrap_or_default()
}

/// A patch as a request hash sees it: keeping, clearing and setting a field all differ.
pub fn hashed(p: &Patch<String>) -> serde_json::Value {
    match p {
        Patch::Keep => serde_json::json!({ "keep": true }),
        Patch::Clear => serde_json::json!({ "clear": true }),
        Patch::Set(v) => serde_json::json!({ "set": v }),
    }
}
