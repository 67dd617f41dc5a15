//! Spree's error body, `{"error": {"code", "message", "details"}}`, and its statuses: one table
//! from the translator's failure kinds and the domain's codes.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::rest::{Kind, Refusal};

/// A failed Spree request.
#[derive(Debug)]
pub struct SpreeError(pub Refusal);

impl From<Refusal> for SpreeError {
    fn from(r: Refusal) -> Self {
        SpreeError(r)
    }
}

/// Status and Spree code of each kind of failure.
fn status_and_code(kind: Kind) -> (StatusCode, &'static str) {
    match kind {
        Kind::AuthenticationRequired => (StatusCode::UNAUTHORIZED, "authentication_required"),
        Kind::AuthenticationFailed => (StatusCode::UNAUTHORIZED, "authentication_failed"),
        Kind::Forbidden => (StatusCode::FORBIDDEN, "access_denied"),
        Kind::NotFound => (StatusCode::NOT_FOUND, "record_not_found"),
        Kind::BadRequest => (StatusCode::BAD_REQUEST, "invalid_request"),
        Kind::Validation => (StatusCode::UNPROCESSABLE_ENTITY, "validation_error"),
        Kind::Conflict => (StatusCode::CONFLICT, "conflict"),
        Kind::Throttled => (StatusCode::TOO_MANY_REQUESTS, "rate_limit_exceeded"),
        Kind::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "invalid_request"),
        Kind::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        Kind::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "service_unavailable"),
        Kind::Timeout => (StatusCode::GATEWAY_TIMEOUT, "timeout"),
        Kind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal_server_error"),
    }
}

/// Spree codes more specific than the kind's, by domain code (a 422 whose userError says
/// why an order cannot complete is `order_cannot_complete`, as the spec's example shows).
pub fn specific_code(route_code: Option<&'static str>, refusal: &Refusal) -> Option<&'static str> {
    match (refusal.kind, refusal.code.as_deref()) {
        // A promotion rule or action type Spree has and we do not support.
        (Kind::Validation, Some("UNKNOWN_PROMOTION_RULE_TYPE")) => {
            Some("unknown_promotion_rule_type")
        }
        (Kind::Validation, Some("UNKNOWN_PROMOTION_ACTION_TYPE")) => {
            Some("unknown_promotion_action_type")
        }
        (Kind::Validation, Some(_)) => route_code,
        // Routes whose 404 the spec names after the record (see [`SpreeError::not_found_as`]).
        (Kind::NotFound, Some("order_not_found")) => Some("order_not_found"),
        (Kind::NotFound, Some("variant_not_found")) => Some("variant_not_found"),
        _ => None,
    }
}

impl SpreeError {
    /// A 404 of this route under the spec's own code for it (`order_not_found` on
    /// `GET /orders/{id}`); other failures unchanged.
    pub fn not_found_as(mut self, code: &'static str) -> Self {
        if self.0.kind == Kind::NotFound {
            self.0.code = Some(code.to_owned());
        }
        self
    }

    /// With the code a route gives its validation failures (`order_cannot_complete`).
    pub fn with_route_code(self, code: &'static str) -> Response {
        let specific = specific_code(Some(code), &self.0);
        render(self.0, specific)
    }
}

fn render(r: Refusal, specific: Option<&'static str>) -> Response {
    // A body missing a required attribute is a validation failure in Spree's spec (422), not
    // a malformed request.
    let kind = match (r.kind, r.code.as_deref()) {
        (Kind::BadRequest, Some("REQUIRED")) => Kind::Validation,
        (kind, _) => kind,
    };
    let (status, code) = status_and_code(kind);
    let code = specific.unwrap_or(code);
    let mut body = json!({"error": {"code": code, "message": r.message}});
    if !r.details.is_empty() {
        body["error"]["details"] = json!(r.details);
    }
    let mut res = (status, Json(body)).into_response();
    if let Some(secs) = r.retry_after {
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    res
}

impl IntoResponse for SpreeError {
    fn into_response(self) -> Response {
        let specific = specific_code(None, &self.0);
        render(self.0, specific)
    }
}

/// Spree's part of `GET /openapi.json`: its error body, statuses and credentials.
pub static OPENAPI: crate::rest::openapi::Dialect = crate::rest::openapi::Dialect {
    routes: super::ROUTES,
    prefix: "",
    error_schema: ("ErrorResponse", || {
        json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "details": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}}})
    }),
    errors: openapi_errors,
    security: || json!([{"api_key": []}, {"bearer_auth": []}]),
    path_parameter: crate::rest::openapi::prefixed_id,
    parameters: |r| {
        if r.method == axum::http::Method::GET {
            return Vec::new();
        }
        vec![crate::rest::openapi::param(
            "Idempotency-Key",
            "header",
            "Retries with the same key get the first answer and write nothing twice (24 h).",
            json!({"type": "string"}),
        )]
    },
};

/// The error statuses of a Spree route.
fn openapi_errors(r: &crate::rest::routes::Route) -> Vec<(u16, String)> {
    let mut out = vec![
        (
            400,
            "A malformed parameter or body (`invalid_request`), naming it in `details`".to_owned(),
        ),
        (
            401,
            "No or a wrong credential (`authentication_required`, `authentication_failed`)"
                .to_owned(),
        ),
        (
            403,
            format!("The credential lacks `{}` (`access_denied`)", r.scope),
        ),
    ];
    if r.path.contains('{') {
        out.push((
            404,
            "Not found for this merchant (`record_not_found`)".to_owned(),
        ));
    }
    if !matches!(r.body, crate::rest::routes::Body::None) || r.method != axum::http::Method::GET {
        out.push((
            409,
            "A concurrent change or a reused `Idempotency-Key`".to_owned(),
        ));
        out.push((
            422,
            "The domain refused it (`validation_error`, details by field)".to_owned(),
        ));
    }
    out.push((
        429,
        "Too many failed credential attempts (`rate_limit_exceeded`)".to_owned(),
    ));
    out
}
