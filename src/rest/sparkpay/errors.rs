//! Spark Pay's error body, `{"status_code": 400, "message": "Bad Request", "details": "count
//! must be between 1 and 200"}` (the reason phrase as `message`, what went wrong as
//! `details`, naming the parameter or body field at fault), and its statuses.
//!
//! Spark Pay documents 400 ("usually due to insufficient data on a request"), 401, 404, 409
//! ("usually due to a validation issue with the data provided"), 429 and 500, and no 422. So a
//! mutation's user errors of kind VALIDATION (a malformed, missing or out-of-range field, a
//! reference to nothing) are 400s, and those of kind RULE (a taken email, a customer with
//! completed orders, an order that is no longer a draft, a stale write) are 409s; a missing
//! scope is 403 and a body that is not JSON 415. Throttling is 429 with `Retry-After`
//! (seconds), in this body, for whichever limiter refuses the call.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::rest::routes::Route;
use crate::rest::translate::body;
use crate::rest::{Kind, Refusal};

/// A failed Spark Pay request.
#[derive(Debug)]
pub struct SparkPayError(pub Refusal);

impl From<Refusal> for SparkPayError {
    fn from(r: Refusal) -> Self {
        SparkPayError(r)
    }
}

/// The status of each kind of failure.
pub fn status(kind: Kind) -> StatusCode {
    match kind {
        Kind::AuthenticationRequired | Kind::AuthenticationFailed => StatusCode::UNAUTHORIZED,
        Kind::Forbidden => StatusCode::FORBIDDEN,
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::BadRequest => StatusCode::BAD_REQUEST,
        // A rule of the store refused the data: Spark Pay's "validation issue" status.
        Kind::Validation | Kind::Conflict => StatusCode::CONFLICT,
        Kind::Throttled => StatusCode::TOO_MANY_REQUESTS,
        Kind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Kind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Kind::Timeout => StatusCode::GATEWAY_TIMEOUT,
        Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Spark Pay's name of the scope a 403 names (`customers:read` → `read_people`).
const SCOPE_NAMES: [(&str, &str); 8] = [
    ("customers:read", "read_people"),
    ("customers:write", "people"),
    ("orders:read", "read_orders"),
    ("orders:write", "orders"),
    ("catalog:read", "read_catalog"),
    ("catalog:write", "catalog"),
    ("pricing:read", "read_catalog"),
    ("pricing:write", "catalog"),
];

/// The error body of a refusal, with its status. A 403 names the missing scope in Spark
/// Pay's terms too.
pub fn render(r: &Refusal) -> (StatusCode, Value) {
    let status = status(r.kind);
    let mut details = match r.param.as_deref() {
        Some(p) if !p.is_empty() && !r.message.starts_with(p) => format!("{p}: {}", r.message),
        _ => r.message.clone(),
    };
    if r.kind == Kind::Forbidden {
        if let Some((_, spark)) = SCOPE_NAMES
            .iter()
            .find(|(ours, _)| r.message.contains(&format!("`{ours}`")))
        {
            details.push_str(&format!(" (Spark Pay scope `{spark}`)"));
        }
    }
    let body = json!({
        "status_code": status.as_u16(),
        "message": status.canonical_reason().unwrap_or("Error"),
        "details": details,
    });
    (status, body)
}

impl IntoResponse for SparkPayError {
    fn into_response(self) -> Response {
        let (status, body) = render(&self.0);
        let mut res = (status, Json(body)).into_response();
        if let Some(secs) = self.0.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

/// A mutation's `userErrors` (`[{field, code, message, kind}]`) as a refusal with its fields
/// named as the body named them (`names`: GraphQL input field → body field): the record the
/// route addresses not found is 404, a RULE 409, anything else 400. `None` without errors.
pub fn user_errors(errors: &Value, names: &[(String, String)]) -> Option<Refusal> {
    let mut r = body::user_errors(errors, names)?;
    let rule = errors
        .get(0)
        .and_then(|e| e.get("kind"))
        .and_then(Value::as_str)
        == Some("RULE");
    // The record the route addresses (`input.0.id`, named `id`) is none of the caller's.
    let addressed = r.code.as_deref() == Some("NOT_FOUND") && r.details.contains_key("id");
    r.kind = match r.kind {
        Kind::NotFound => Kind::NotFound,
        _ if addressed => Kind::NotFound,
        _ if rule => Kind::Conflict,
        Kind::Conflict => Kind::Conflict,
        _ => Kind::BadRequest,
    };
    Some(r)
}

/// The error statuses of a Spark Pay route, for the OpenAPI document.
pub fn openapi_errors(r: &Route) -> Vec<(u16, String)> {
    let mut out = vec![
        (
            400,
            "A bad parameter, filter, operator, ID or body field; `details` names it".to_owned(),
        ),
        (
            401,
            "No `X-AC-Auth-Token`, or one that is invalid, expired or revoked".to_owned(),
        ),
        (403, format!("The token lacks the `{}` scope", r.scope)),
    ];
    if r.path.contains('{') || r.method == axum::http::Method::GET {
        out.push((
            404,
            "No such record for this store, or a `page` past the last".to_owned(),
        ));
    }
    if r.method != axum::http::Method::GET {
        out.push((
            409,
            "The store's rules refuse the data (a taken email, a customer with completed orders, an order that is no longer a draft, a stale write)".to_owned(),
        ));
        out.push((415, "A body that is not `application/json`".to_owned()));
    }
    out.push((
        429,
        "Too many calls or failed credential attempts, with `Retry-After` (seconds)".to_owned(),
    ));
    out
}

/// The JSON schema of the error body.
pub fn schema() -> Value {
    json!({"type": "object", "required": ["status_code", "message", "details"], "properties": {
        "status_code": {"type": "integer", "description": "The HTTP status, repeated."},
        "message": {"type": "string", "description": "The status's reason phrase (`Bad Request`)."},
        "details": {"type": "string", "description": "What went wrong, naming the parameter or body field at fault."}}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_repeats_the_status_and_names_the_parameter() {
        let (status, body) = render(&Refusal::param("count", "must be between 1 and 200"));
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            json!({"status_code": 400, "message": "Bad Request",
                   "details": "count must be between 1 and 200"})
        );
        let (status, body) = render(&Refusal::new(Kind::Throttled, "slow down"));
        assert_eq!(status.as_u16(), 429);
        assert_eq!(body["message"], "Too Many Requests");
    }

    #[test]
    fn rules_are_conflicts_and_validation_is_a_bad_request() {
        let names = vec![("phone".to_owned(), "phone_number".to_owned())];
        let taken = json!([{"field": ["input", "0", "email"], "code": "TAKEN",
                            "message": "is already taken", "kind": "RULE"}]);
        let r = user_errors(&taken, &names).unwrap();
        assert_eq!(status(r.kind), StatusCode::CONFLICT);
        assert_eq!(r.message, "email is already taken");
        let bad = json!([{"field": ["input", "0", "phone"], "code": "INVALID",
                          "message": "is invalid", "kind": "VALIDATION"}]);
        let r = user_errors(&bad, &names).unwrap();
        assert_eq!(status(r.kind), StatusCode::BAD_REQUEST);
        assert_eq!(r.message, "phone_number is invalid");
        let missing = json!([{"field": ["id"], "code": "NOT_FOUND",
                              "message": "not found", "kind": "VALIDATION"}]);
        assert_eq!(user_errors(&missing, &[]).unwrap().kind, Kind::NotFound);
        assert!(user_errors(&json!([]), &[]).is_none());
    }
}
