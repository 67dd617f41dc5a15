//! Why a REST request failed, before a dialect writes it down. The translator and the
//! routes produce a [`Refusal`] (from a bad parameter, a GraphQL error's `extensions.code`, or
//! a mutation's `userErrors`); each dialect renders it in its own body and status from one
//! table (`spree/errors.rs`).

use std::collections::BTreeMap;

/// The class of a failure, from which every dialect picks its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No credential at all.
    AuthenticationRequired,
    /// A credential that is wrong, expired or revoked.
    AuthenticationFailed,
    Forbidden,
    NotFound,
    /// A malformed request: a parameter, a body field, an ID (400).
    BadRequest,
    /// A well-formed request the domain refused (a mutation's userErrors: 422).
    Validation,
    /// A concurrent change or a reused idempotency key (409).
    Conflict,
    /// Too many attempts or calls (429).
    Throttled,
    UnsupportedMediaType,
    /// A served path asked with a method it does not take (405).
    MethodNotAllowed,
    Unavailable,
    Timeout,
    Internal,
}

/// A failed REST request, transport-neutral.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub kind: Kind,
    /// The GraphQL or domain code it came from (`NOT_FOUND`, `EMPTY_ORDER`, `TAKEN`…), which a
    /// dialect's table may turn into a specific code of its own.
    pub code: Option<String>,
    pub message: String,
    /// The REST parameter or body field at fault (`limit`, `q[email_cont]`, `email`).
    pub param: Option<String>,
    /// Field → messages, for validation failures (snake_case field names).
    pub details: BTreeMap<String, Vec<String>>,
    /// Seconds until a throttled client may retry.
    pub retry_after: Option<u64>,
}

impl Refusal {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            code: None,
            message: message.into(),
            param: None,
            details: BTreeMap::new(),
            retry_after: None,
        }
    }

    /// A bad query parameter or body field: 400 naming it.
    pub fn param(param: &str, problem: impl std::fmt::Display) -> Self {
        let mut r = Self::new(Kind::BadRequest, format!("{param} {problem}"));
        r.details
            .insert(param.to_owned(), vec![problem.to_string()]);
        r.param = Some(param.to_owned());
        r
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Kind::NotFound, message)
    }

    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Logs the cause; the client learns only that it failed.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "REST request failed");
        Self::new(Kind::Internal, "internal error")
    }

    /// The kind of a GraphQL error code (`extensions.code`).
    pub fn kind_of(code: &str) -> Kind {
        match code {
            "UNAUTHENTICATED" => Kind::AuthenticationFailed,
            "FORBIDDEN" => Kind::Forbidden,
            "NOT_FOUND" => Kind::NotFound,
            "BAD_USER_INPUT" | "BAD_REQUEST" | "MAX_COST_EXCEEDED" | "PAYLOAD_TOO_LARGE" => {
                Kind::BadRequest
            }
            "CONFLICT" => Kind::Conflict,
            "THROTTLED" => Kind::Throttled,
            "SERVICE_UNAVAILABLE" => Kind::Unavailable,
            "TIMEOUT" => Kind::Timeout,
            _ => Kind::Internal,
        }
    }
}
