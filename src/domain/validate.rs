//! Validation results shared by every command, in terms no transport owns.
//!
//! The contract for transports (GraphQL today, the REST dialects next):
//! * a [`FieldError`] names the offending field by a [`Path`] **relative to the command's
//!   input**: snake_case keys and integer indexes, e.g. `[3, "email"]` (the 4th item of a bulk
//!   input), `["location", "postal_code"]`, `["line_items", 0, "quantity"]`. A command's input is
//!   its main payload (an object or a list); its other arguments (the record's `id`,
//!   `order_id`, `expected_updated_at`, `idempotency_key`…) are one-key paths named as the
//!   command names them. The empty path is the input as a whole. No transport name (`input`,
//!   `lineItems`, `stores`) ever appears: each transport adds its own argument name and casing.
//! * its [`Code`] is a stable SHOUTY string, and [`Code::kind`] says whether it is a
//!   [`ErrorKind::Validation`] failure (a malformed or invalid field; REST 400) or a
//!   [`ErrorKind::Rule`] failure (a business rule or the records' state refused it; REST 422).
//! * its message is English for people; clients branch on the code.
//!
//! Serialized (as stored for idempotent replay), a path is a JSON array of strings and integers
//! and a code its string.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use code::Code;

/// Whether a failure is the request's shape or a rule of the business (see [`Code::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A field is missing, malformed, out of range or names nothing (REST 400).
    Validation,
    /// The input is well-formed but a business rule or the current state of the records
    /// refuses it (REST 422).
    Rule,
}

/// Stable codes of field errors, each with its [`ErrorKind`]. The constants keep call sites
/// short (`code::INVALID`).
pub mod code {
    use super::ErrorKind::{self, Rule, Validation};
    use serde::{Deserialize, Serialize};

    macro_rules! codes {
        ($($(#[$doc:meta])* $variant:ident = $name:ident, $kind:ident;)*) => {
            /// A stable error code; serialized as its SHOUTY string ([`Code::as_str`]).
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum Code {
                $($(#[$doc])* $variant,)*
            }

            impl Code {
                /// Every code, for documentation and tests.
                pub const ALL: &[Code] = &[$(Code::$variant),*];

                /// The stable string clients see (`"TOO_LONG"`).
                pub const fn as_str(self) -> &'static str {
                    match self {
                        $(Code::$variant => stringify!($name),)*
                    }
                }

                /// The code spelled `s` (`"TOO_LONG"`), if there is one.
                pub fn parse(s: &str) -> Option<Code> {
                    Code::ALL.iter().copied().find(|c| c.as_str() == s)
                }

                /// Whether the code reports a validation failure or a business rule.
                pub const fn kind(self) -> ErrorKind {
                    match self {
                        $(Code::$variant => $kind,)*
                    }
                }
            }

            $($(#[$doc])* pub const $name: Code = Code::$variant;)*
        };
    }

    codes! {
        /// A required field is missing or empty.
        Required = REQUIRED, Validation;
        /// A value is malformed or not one of the accepted values.
        Invalid = INVALID, Validation;
        /// A text is shorter than its minimum.
        TooShort = TOO_SHORT, Validation;
        /// A text is longer than its maximum.
        TooLong = TOO_LONG, Validation;
        /// A number is outside its allowed range.
        OutOfRange = OUT_OF_RANGE, Validation;
        /// Another record (or another item of the same request) already has this value.
        Taken = TAKEN, Rule;
        /// A referenced record does not exist (or belongs to another merchant): the field names
        /// nothing, so the request is malformed.
        NotFound = NOT_FOUND, Validation;
        /// The record changed since the `expected_updated_at` the caller sent.
        Conflict = CONFLICT, Rule;
        /// Too many items, codes or IDs in one request (or in total).
        LimitExceeded = LIMIT_EXCEEDED, Validation;
        /// A customer with completed orders cannot be deleted.
        HasCompletedOrders = HAS_COMPLETED_ORDERS, Rule;
        /// A field that cannot change after creation was sent with another value.
        Immutable = IMMUTABLE, Rule;
        /// A time window whose end is not after its start.
        InvalidWindow = INVALID_WINDOW, Validation;
        /// A time that must not be in the past is (e.g. scheduling a start that has passed).
        InThePast = IN_THE_PAST, Validation;
        /// The record's status does not allow this change (e.g. activating an active price
        /// list, completing a canceled order); the message names from → to.
        InvalidTransition = INVALID_TRANSITION, Rule;
        /// The same key (id, SKU, email…) appears twice in one request.
        DuplicateInRequest = DUPLICATE_IN_REQUEST, Rule;
        /// A scheduled override holds a field the request changes.
        ScheduledOverrideConflict = SCHEDULED_OVERRIDE_CONFLICT, Rule;
        /// The idempotency key was already used for a different request.
        IdempotencyKeyReused = IDEMPOTENCY_KEY_REUSED, Rule;
        /// The variant has no price in the order's currency for this buyer.
        NoPrice = NO_PRICE, Rule;
        /// Only draft orders can be edited (lines, coupon, buyer) or deleted.
        OrderNotEditable = ORDER_NOT_EDITABLE, Rule;
        /// An order without line items cannot be completed.
        EmptyOrder = EMPTY_ORDER, Rule;
        /// An order without an email (nor a customer) cannot be completed.
        MissingEmail = MISSING_EMAIL, Rule;
        /// The order is already approved.
        AlreadyApproved = ALREADY_APPROVED, Rule;
        /// A fulfilled (or partly fulfilled) order cannot be canceled.
        OrderFulfilled = ORDER_FULFILLED, Rule;
        /// Other records (orders, line items, an order's coupon code) still reference this
        /// one, so it cannot be deleted.
        InUse = IN_USE, Rule;
        /// The master variant cannot be deleted (or un-mastered) while its product exists.
        MasterVariant = MASTER_VARIANT, Rule;
        /// A store's brand differs from the brand the request is scoped to.
        BrandMismatch = BRAND_MISMATCH, Rule;
        /// A coupon code's promotion has not started yet.
        NotStarted = NOT_STARTED, Rule;
        /// A coupon code's promotion has expired.
        Expired = EXPIRED, Rule;
        /// A coupon code (or its promotion) has been used as often as allowed.
        UsageLimitReached = USAGE_LIMIT_REACHED, Rule;
        /// The order does not meet the rules of the coupon code's promotion.
        RulesNotMet = RULES_NOT_MET, Rule;
    }

    /// The kind of a code (shorthand for [`Code::kind`]).
    pub const fn kind(code: Code) -> ErrorKind {
        code.kind()
    }

    impl Serialize for Code {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(self.as_str())
        }
    }

    impl<'de> Deserialize<'de> for Code {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            Code::parse(&s)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown error code {s:?}")))
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One failure of a command: where, what (stable code) and a human explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The offending field, relative to the command's input.
    pub path: Path,
    pub code: Code,
    pub message: String,
}

impl FieldError {
    pub fn new(path: &Path, code: Code, message: impl Into<String>) -> Self {
        Self {
            path: path.clone(),
            code,
            message: message.into(),
        }
    }
}

/// One step of a [`Path`]: a snake_case key of an object or the index of a list item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Segment {
    Index(usize),
    Key(Cow<'static, str>),
}

/// A path into a command's input, built up as validation descends (see the module doc).
/// Serializes as a JSON array of strings and integers; displays dotted (`location.postal_code`,
/// `3.email`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Path(Vec<Segment>);

impl Path {
    /// The command's input as a whole (the empty path).
    pub fn input() -> Self {
        Self::default()
    }
    /// A top-level field: a key of the input object or another argument of the command
    /// (`id`, `order_id`, `expected_updated_at`).
    pub fn field(name: impl Into<Cow<'static, str>>) -> Self {
        Self::input().key(name)
    }
    /// The key `name` (snake_case) below this path.
    pub fn key(&self, name: impl Into<Cow<'static, str>>) -> Self {
        self.then(Segment::Key(name.into()))
    }
    /// The item at `i` of the list at this path.
    pub fn index(&self, i: usize) -> Self {
        self.then(Segment::Index(i))
    }
    fn then(&self, s: Segment) -> Self {
        let mut p = self.0.clone();
        p.push(s);
        Self(p)
    }
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// This path without its first `n` segments (a store's errors relative to the store).
    pub fn skip(&self, n: usize) -> Self {
        Self(self.0.iter().skip(n).cloned().collect())
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Key(k) => f.write_str(k),
            Segment::Index(i) => write!(f, "{i}"),
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

/// A one-key path (`"cursor".into()`), for the request-level errors of [`crate::error::Error`].
impl From<&'static str> for Path {
    fn from(name: &'static str) -> Self {
        Path::field(name)
    }
}

/// Collects the errors of one item.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, path: &Path, code: Code, message: impl Into<String>) {
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

/// Refuses an empty batch (INVALID) or one over `max` items (LIMIT_EXCEEDED), naming the
/// command's input (the list itself); `noun` is what the items are ("customers", "prices").
pub fn check_batch_size(n: usize, max: usize, noun: &str) -> crate::error::Result<()> {
    if n == 0 {
        return Err(crate::error::Error::bad_input(
            Path::input(),
            format!("give at least one of the {noun}"),
        ));
    }
    if n > max {
        return Err(crate::error::Error::limit_exceeded(
            Path::input(),
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
        assert!(!errors.length(&Path::field("name"), "a\0b", 1, 10));
        assert!(errors.length(&Path::field("name"), "ab", 1, 10));
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].code, code::INVALID);
        assert_eq!(errors.0[0].path, Path::field("name"));
    }

    #[test]
    fn paths_are_built_from_typed_segments_relative_to_the_input() {
        let item = Path::input().index(3).key("email");
        assert_eq!(
            item.segments(),
            [Segment::Index(3), Segment::Key("email".into())]
        );
        assert_eq!(item.to_string(), "3.email");
        let line = Path::field("line_items").index(0).key("quantity");
        assert_eq!(line.to_string(), "line_items.0.quantity");
        assert_eq!(line.skip(2), Path::field("quantity"));
        assert!(Path::input().is_empty());
        assert_eq!(Path::from("cursor"), Path::field("cursor"));
        // Dynamic keys (a store's locale, a channel code) are owned.
        assert_eq!(
            Path::field("names").key(String::from("es_EC")).to_string(),
            "names.es_EC"
        );
    }

    #[test]
    fn paths_serialize_as_arrays_of_strings_and_integers() {
        let p = Path::input().index(3).key("email");
        assert_eq!(serde_json::to_string(&p).unwrap(), r#"[3,"email"]"#);
        let back: Path = serde_json::from_str(r#"["location","postal_code"]"#).unwrap();
        assert_eq!(back, Path::field("location").key("postal_code"));
        let e = FieldError::new(&p, code::TAKEN, "is taken");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"path": [3, "email"], "code": "TAKEN", "message": "is taken"})
        );
        assert_eq!(serde_json::from_value::<FieldError>(json).unwrap(), e);
    }

    #[test]
    fn codes_keep_their_strings_and_have_a_kind() {
        assert_eq!(code::TOO_LONG.as_str(), "TOO_LONG");
        assert_eq!(code::INVALID.kind(), ErrorKind::Validation);
        assert_eq!(code::kind(code::NOT_FOUND), ErrorKind::Validation);
        assert_eq!(code::DUPLICATE_IN_REQUEST.kind(), ErrorKind::Rule);
        assert_eq!(code::BRAND_MISMATCH.kind(), ErrorKind::Rule);
        assert_eq!(code::SCHEDULED_OVERRIDE_CONFLICT.kind(), ErrorKind::Rule);
        for c in Code::ALL {
            // The string is the SHOUTY form of the variant and round-trips through serde.
            let s = c.as_str();
            assert!(
                s.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_'),
                "{s}"
            );
            let json = serde_json::to_value(c).unwrap();
            assert_eq!(json, serde_json::Value::from(s));
            assert_eq!(serde_json::from_value::<Code>(json).unwrap(), *c);
        }
        assert!(serde_json::from_str::<Code>(r#""NOPE""#).is_err());
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
