//! The one edge error type. Domain functions return it; the GraphQL layer turns it into an error
//! with a stable `extensions.code`, the HTTP layer into a status. Internal causes are logged where
//! they are converted and never returned to the caller. Bad input and conflicts name their field
//! by a transport-neutral [`Path`] (snake_case, relative to the command's input): each transport
//! spells it its own way (see [`crate::domain::validate`]).

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::domain::validate::{code, Code, Path};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    NotFound { message: String },
    /// `code` is the user-error code a mutation reports it with (INVALID, LIMIT_EXCEEDED…).
    #[error("{}", at(path, message))]
    BadInput {
        path: Path,
        message: String,
        code: Code,
    },
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{}", at(path, message))]
    Conflict { path: Path, message: String },
    /// Too many failed attempts: retry after `retry_after` seconds (HTTP 429, `Retry-After`).
    #[error("too many failed authentication attempts; retry in {retry_after} s")]
    Throttled { retry_after: u64 },
    #[error("the database is unavailable, retry shortly")]
    Unavailable,
    /// A statement ran past `statement_timeout`: the request asked for too much at once.
    #[error("the request took too long in the database and was stopped; ask for less at once")]
    Timeout,
    #[error("internal error")]
    Internal,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `path: message`, or the message alone for the input as a whole.
fn at(path: &Path, message: &str) -> String {
    if path.is_empty() {
        message.to_owned()
    } else {
        format!("{path}: {message}")
    }
}

/// Every `extensions.code` a GraphQL error (or the JSON error of a request that is not a GraphQL
/// request) can carry: the codes of [`Error`], the document limits (`MAX_COST_EXCEEDED`), the edge
/// layers (`PAYLOAD_TOO_LARGE`, `TIMEOUT`) and `BAD_REQUEST`. The README lists exactly these (a test
/// compares them). Mutation `userErrors` have codes of their own.
pub const EDGE_CODES: [&str; 12] = [
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "BAD_USER_INPUT",
    "CONFLICT",
    "MAX_COST_EXCEEDED",
    "THROTTLED",
    "PAYLOAD_TOO_LARGE",
    "TIMEOUT",
    "SERVICE_UNAVAILABLE",
    "INTERNAL",
    "BAD_REQUEST",
];

impl Error {
    pub fn not_found(message: impl Into<String>) -> Self {
        Error::NotFound {
            message: message.into(),
        }
    }
    /// An invalid field (INVALID), named by its path relative to the command's input.
    pub fn bad_input(path: impl Into<Path>, message: impl Into<String>) -> Self {
        Error::BadInput {
            path: path.into(),
            message: message.into(),
            code: code::INVALID,
        }
    }
    /// A request over a size limit (too many items, codes, IDs): BAD_USER_INPUT at the top
    /// level, LIMIT_EXCEEDED as a mutation's user error.
    pub fn limit_exceeded(path: impl Into<Path>, message: impl Into<String>) -> Self {
        Error::BadInput {
            path: path.into(),
            message: message.into(),
            code: code::LIMIT_EXCEEDED,
        }
    }
    /// A value another record (or a concurrent request) holds, named by its path.
    pub fn conflict(path: impl Into<Path>, message: impl Into<String>) -> Self {
        Error::Conflict {
            path: path.into(),
            message: message.into(),
        }
    }
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Error::Unauthenticated(message.into())
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Error::Forbidden(message.into())
    }
    /// Logs the cause and returns an opaque internal error.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Error::Internal
    }

    /// The stable machine-readable code (GraphQL `extensions.code`); one of [`EDGE_CODES`].
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "NOT_FOUND",
            Error::BadInput { .. } => "BAD_USER_INPUT",
            Error::Unauthenticated(_) => "UNAUTHENTICATED",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::Conflict { .. } => "CONFLICT",
            Error::Throttled { .. } => "THROTTLED",
            Error::Unavailable => "SERVICE_UNAVAILABLE",
            Error::Timeout => "TIMEOUT",
            Error::Internal => "INTERNAL",
        }
    }

    /// The HTTP status this error maps to.
    pub fn status(&self) -> u16 {
        match self {
            Error::NotFound { .. } => 404,
            Error::BadInput { .. } => 400,
            Error::Unauthenticated(_) => 401,
            Error::Forbidden(_) => 403,
            Error::Conflict { .. } => 409,
            Error::Throttled { .. } => 429,
            Error::Unavailable => 503,
            Error::Timeout => 504,
            Error::Internal => 500,
        }
    }
}

/// The field a unique or check constraint guards, in snake_case (transports spell it their
/// way). Constraint names are the database's business: they never reach a client (an unknown
/// one is logged and reported as the input as a whole).
fn constraint_field(constraint: &str) -> Path {
    const FIELDS: &[(&str, &str)] = &[
        ("customers_email", "email"),
        ("customer_groups_name", "name"),
        ("variants_sku", "sku"),
        ("coupon_codes_code", "code"),
        ("channels_one_default", "is_default"),
        ("prices_variant_currency_list", "currency"),
        ("prices_compare_at_not_below_amount", "compare_at_amount"),
        ("addresses_one_default_billing", "is_default_billing"),
        ("addresses_one_default_shipping", "is_default_shipping"),
    ];
    if let Some((_, field)) = FIELDS.iter().find(|(c, _)| *c == constraint) {
        return Path::field(*field);
    }
    // PostgreSQL's generated names: `<table>_<columns>_key` / `_check`, and ours `<table>_external_id`.
    for (suffix, field) in [
        ("external_id_key", "external_id"),
        ("external_id", "external_id"),
        ("_number_key", "number"),
        ("_slug_key", "slug"),
        ("_slug_check", "slug"),
        ("_code_key", "code"),
        ("_position_key", "position"),
    ] {
        if constraint.ends_with(suffix) {
            return Path::field(field);
        }
    }
    tracing::warn!(
        constraint,
        "a constraint without a client-facing field name"
    );
    Path::input()
}

impl From<DieselError> for Error {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => Error::not_found("not found"),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Error::conflict(
                    constraint_field(info.constraint_name().unwrap_or_default()),
                    "a record with this value already exists",
                )
            }
            DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, info) => {
                Error::bad_input(
                    constraint_field(info.constraint_name().unwrap_or_default()),
                    "a value is out of its allowed range",
                )
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                Error::Unavailable
            }
            // `statement_timeout` (or a cancel after the request was abandoned).
            DieselError::DatabaseError(_, info)
                if info.message().starts_with("canceling statement") =>
            {
                tracing::warn!(error = %info.message(), "a statement was cancelled");
                Error::Timeout
            }
            other => Error::internal(other),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for Error {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        tracing::warn!(error = %e, "database pool error");
        Error::Unavailable
    }
}

#[cfg(test)]
mod tests {
    use super::{constraint_field, Error, EDGE_CODES};
    use crate::domain::validate::Path;

    #[test]
    fn every_error_code_is_an_edge_code() {
        let all = [
            Error::not_found("x"),
            Error::bad_input("x", "y"),
            Error::Unauthenticated("x".into()),
            Error::forbidden("x"),
            Error::Conflict {
                path: Path::input(),
                message: "x".into(),
            },
            Error::Throttled { retry_after: 1 },
            Error::Unavailable,
            Error::Timeout,
            Error::Internal,
        ];
        for e in all {
            // No wildcard: a new variant fails to compile here until it is added above.
            match &e {
                Error::NotFound { .. }
                | Error::BadInput { .. }
                | Error::Unauthenticated(_)
                | Error::Forbidden(_)
                | Error::Conflict { .. }
                | Error::Throttled { .. }
                | Error::Unavailable
                | Error::Timeout
                | Error::Internal => {}
            }
            assert!(EDGE_CODES.contains(&e.code()), "{}", e.code());
        }
    }

    #[test]
    fn constraints_are_reported_by_field_never_by_name() {
        assert_eq!(constraint_field("customers_email"), Path::field("email"));
        assert_eq!(
            constraint_field("orders_merchant_id_number_key"),
            Path::field("number")
        );
        assert_eq!(
            constraint_field("stores_merchant_id_external_id_key"),
            Path::field("external_id")
        );
        assert_eq!(
            constraint_field("addresses_one_default_billing"),
            Path::field("is_default_billing")
        );
        assert_eq!(constraint_field("some_new_index"), Path::input());
    }

    #[test]
    fn bad_input_displays_its_snake_case_path() {
        let e = Error::bad_input(Path::field("group_by"), "at most one period");
        assert_eq!(e.to_string(), "group_by: at most one period");
        assert_eq!(Error::conflict(Path::input(), "retry").to_string(), "retry");
    }
}
