//! Validation results shared by every command: an error names the field by its path in the
//! input (`["input", "3", "email"]`), carries a stable SHOUTY code and a human message. GraphQL
//! returns them as `userErrors`; the REST dialects reshape them into their own error bodies.

use serde::{Deserialize, Serialize};

/// Stable codes of field errors.
pub mod code {
    pub const REQUIRED: &str = "REQUIRED";
    pub const INVALID: &str = "INVALID";
    pub const TOO_SHORT: &str = "TOO_SHORT";
    pub const TOO_LONG: &str = "TOO_LONG";
    pub const OUT_OF_RANGE: &str = "OUT_OF_RANGE";
    /// Another record (or another item of the same request) already has this value.
    pub const TAKEN: &str = "TAKEN";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    /// The record changed since the `expectedUpdatedAt` the caller sent.
    pub const CONFLICT: &str = "CONFLICT";
    pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";
    pub const HAS_COMPLETED_ORDERS: &str = "HAS_COMPLETED_ORDERS";
    pub const IMMUTABLE: &str = "IMMUTABLE";
    /// A time window whose end is not after its start.
    pub const INVALID_WINDOW: &str = "INVALID_WINDOW";
    /// A time that must not be in the past is (e.g. scheduling a start that has passed).
    pub const IN_THE_PAST: &str = "IN_THE_PAST";
    /// The record's status does not allow this change (e.g. activating an active price list,
    /// completing a canceled order); the message names from → to.
    pub const INVALID_TRANSITION: &str = "INVALID_TRANSITION";
    pub const DUPLICATE_IN_REQUEST: &str = "DUPLICATE_IN_REQUEST";
    pub const SCHEDULED_OVERRIDE_CONFLICT: &str = "SCHEDULED_OVERRIDE_CONFLICT";
    pub const IDEMPOTENCY_KEY_REUSED: &str = "IDEMPOTENCY_KEY_REUSED";
    // Orders.
    /// The variant has no price in the order's currency for this buyer.
    pub const NO_PRICE: &str = "NO_PRICE";
    /// Only draft orders can be edited (lines, coupon, buyer) or deleted.
    pub const ORDER_NOT_EDITABLE: &str = "ORDER_NOT_EDITABLE";
    /// An order without line items cannot be completed.
    pub const EMPTY_ORDER: &str = "EMPTY_ORDER";
    /// An order without an email (nor a customer) cannot be completed.
    pub const MISSING_EMAIL: &str = "MISSING_EMAIL";
    pub const ALREADY_APPROVED: &str = "ALREADY_APPROVED";
    /// A fulfilled (or partly fulfilled) order cannot be canceled.
    pub const ORDER_FULFILLED: &str = "ORDER_FULFILLED";
    /// Other records (orders, line items, an order's coupon code) still reference this one,
    /// so it cannot be deleted.
    pub const IN_USE: &str = "IN_USE";
    /// The master variant cannot be deleted (or un-mastered) while its product exists.
    pub const MASTER_VARIANT: &str = "MASTER_VARIANT";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Vec<String>,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &Path, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.0.clone(),
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// `a.b.c: message`, the flat form some dialects use.
    pub fn dotted(&self) -> String {
        format!("{}: {}", self.field.join("."), self.message)
    }
}

/// A path into the input, built up as validation descends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<String>);

impl Path {
    pub fn root(name: &str) -> Self {
        Self(vec![name.to_owned()])
    }
    pub fn key(&self, name: &str) -> Self {
        let mut p = self.0.clone();
        p.push(name.to_owned());
        Self(p)
    }
    pub fn index(&self, i: usize) -> Self {
        self.key(&i.to_string())
    }
}

/// Collects the errors of one item.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, path: &Path, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(path, code, message));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks a text's length in characters; returns whether it passed. A NUL character is
    /// INVALID: PostgreSQL cannot store it (the GraphQL layer refuses it before commands run;
    /// this keeps every other caller of the commands from reaching the database with one).
    pub fn length(&mut self, path: &Path, value: &str, min: usize, max: usize) -> bool {
        let n = value.chars().count();
        if value.contains('\0') {
            self.add(
                path,
                code::INVALID,
                "must not contain NUL characters (U+0000)",
            );
            false
        } else if n < min {
            self.add(
                path,
                if min == 1 && n == 0 {
                    code::REQUIRED
                } else {
                    code::TOO_SHORT
                },
                format!("must be at least {min} characters"),
            );
            false
        } else if n > max {
            self.add(
                path,
                code::TOO_LONG,
                format!("must be at most {max} characters"),
            );
            false
        } else {
            true
        }
    }

    pub fn email(&mut self, path: &Path, value: &str) {
        if value.is_empty() {
            self.add(path, code::REQUIRED, "is required");
        } else if !is_email(value) {
            self.add(path, code::INVALID, "is not a valid email address");
        } else {
            self.length(path, value, 3, 254);
        }
    }

    /// E.164: `+` then 2–15 digits, no leading zero.
    pub fn e164(&mut self, path: &Path, value: &str) {
        if !is_e164(value) {
            self.add(
                path,
                code::INVALID,
                "must be an E.164 phone number such as +593991234567",
            );
        }
    }
}

pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
}

pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0')
}

/// Identifiers from integrations: `[A-Za-z0-9_-]{1,64}`.
pub fn is_external_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// What a bulk command does when some items are invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ErrorPolicy {
    /// Nothing is written if any item fails.
    #[default]
    RejectEverything,
    /// Valid items are written; failed ones are reported.
    RejectFailedRows,
}

/// The outcome of one item of a bulk command.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemResult {
    pub index: usize,
    /// The record written (or found), when there is one.
    pub id: Option<i64>,
    pub errors: Vec<FieldError>,
}

/// Most items a bulk command takes.
pub const MAX_BULK: usize = 1000;

/// Refuses an empty batch (INVALID) or one over `max` items (LIMIT_EXCEEDED), naming `field`;
/// `noun` is what the items are ("customers", "prices").
pub fn check_batch_size(field: &str, n: usize, max: usize, noun: &str) -> crate::error::Result<()> {
    if n == 0 {
        return Err(crate::error::Error::bad_input(
            field,
            format!("give at least one of the {noun}"),
        ));
    }
    if n > max {
        return Err(crate::error::Error::limit_exceeded(
            field,
            format!("at most {max} {noun} per request, got {n}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_email("a@b.co"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a b@c.d"));
        assert!(is_e164("+593991234567"));
        assert!(!is_e164("0991234567"));
        assert!(!is_e164("+0123"));
        assert!(is_external_id("pos-location_01"));
        assert!(!is_external_id("pos location"));
    }

    #[test]
    fn a_nul_character_is_invalid_text() {
        let mut errors = Errors::default();
        assert!(!errors.length(&Path::root("name"), "a\0b", 1, 10));
        assert!(errors.length(&Path::root("name"), "ab", 1, 10));
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].code, code::INVALID);
        assert_eq!(errors.0[0].field, ["name"]);
    }
}

/// A change to an optional field: leave it, set it, or clear it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Patch<T> {
    #[default]
    Keep,
    Set(T),
    Clear,
}

impl<T: Clone> Patch<T> {
    /// The value after applying the patch to `current`.
    pub fn apply(&self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => current,
            Patch::Set(v) => Some(v.clone()),
            Patch::Clear => None,
        }
    }
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(v) => Some(v),
            _ => None,
        }
    }
}
