//! Small pieces shared by the single-record commands (addresses, channels, catalog): decoding a
//! public ID into a field error, optional text fields, the optimistic-concurrency check, and the
//! one-column rows their statements return.

use chrono::{DateTime, Utc};
use diesel::sql_types;
use diesel::QueryableByName;

use crate::domain::validate::{code, Errors, FieldError, Patch, Path};
use crate::ids::{self, Kind};

/// The outcome of a single-record command: the key of the row written, or why nothing was.
pub type Single = std::result::Result<i64, Vec<FieldError>>;

#[derive(QueryableByName)]
pub struct IdRow {
    #[diesel(sql_type = sql_types::BigInt)]
    pub id: i64,
}

#[derive(QueryableByName)]
pub struct TextRow {
    #[diesel(sql_type = sql_types::Text)]
    pub value: String,
}

#[derive(QueryableByName)]
pub struct IdText {
    #[diesel(sql_type = sql_types::BigInt)]
    pub id: i64,
    #[diesel(sql_type = sql_types::Text)]
    pub value: String,
}

#[derive(QueryableByName)]
pub struct Flag {
    #[diesel(sql_type = sql_types::Bool)]
    pub flag: bool,
}

/// Decodes a public ID of `kind`; a malformed one (or one of another kind) is INVALID at `path`.
pub fn decode(errors: &mut Errors, path: &Path, kind: Kind, id: &str) -> Option<i64> {
    match ids::decode(kind, id) {
        Ok(k) => Some(k),
        Err(e) => {
            errors.add(path, code::INVALID, e.to_string());
            None
        }
    }
}

/// NOT_FOUND for a record of `kind` at `path`. Another merchant's records are simply not found.
pub fn not_found(path: &Path, kind: Kind) -> FieldError {
    FieldError::new(path, code::NOT_FOUND, format!("no such {}", kind.noun()))
}

/// A required text: trimmed, `min..=max` characters. `None` keeps `current` (an update) or is
/// REQUIRED when there is none (a create).
pub fn required_text(
    errors: &mut Errors,
    path: &Path,
    value: Option<&str>,
    current: Option<&str>,
    max: usize,
) -> String {
    match (value, current) {
        (Some(v), _) => {
            let v = v.trim();
            errors.length(path, v, 1, max);
            v.to_owned()
        }
        (None, Some(c)) => c.to_owned(),
        (None, None) => {
            errors.add(path, code::REQUIRED, "is required");
            String::new()
        }
    }
}

/// An optional text: trimmed, blank clears it, at most `max` characters.
pub fn optional_text(
    errors: &mut Errors,
    path: &Path,
    value: &Patch<String>,
    current: Option<String>,
    max: usize,
) -> Option<String> {
    match value {
        Patch::Keep => current,
        Patch::Clear => None,
        Patch::Set(v) => {
            let v = v.trim();
            if v.is_empty() {
                None
            } else {
                errors.length(path, v, 1, max);
                Some(v.to_owned())
            }
        }
    }
}

/// CONFLICT at `path` when the record was updated after the time the caller last saw.
pub fn check_unchanged(
    errors: &mut Errors,
    path: &Path,
    noun: &str,
    expected: Option<DateTime<Utc>>,
    actual: DateTime<Utc>,
) {
    if let Some(at) = expected {
        if at.timestamp_micros() != actual.timestamp_micros() {
            errors.add(
                path,
                code::CONFLICT,
                format!(
                    "the {noun} changed at {}; reload it and retry",
                    actual.to_rfc3339()
                ),
            );
        }
    }
}

/// `Err` with the collected errors, or `Ok(())` when there are none.
pub fn finish(errors: Errors) -> std::result::Result<(), Vec<FieldError>> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.0)
    }
}
