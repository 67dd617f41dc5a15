//! The Fire spark error body, flat as the Integrations API documents it
//! (`{"error":"validation_error","message":"location.postal_code: Postal code must be numbers
//! only"}`), and its statuses: one table from the translator's failure kinds, and one rule for
//! a mutation's `userErrors` — a code of kind VALIDATION is a 400 `validation_error`, a code of
//! kind RULE a 422 named by the code itself (`scheduled_override_conflict`, `brand_mismatch`…).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::rest::routes::Route;
use crate::rest::{Kind, Refusal};

/// A failed Fire spark request.
#[derive(Debug)]
pub struct FiresparkError(pub Refusal);

impl From<Refusal> for FiresparkError {
    fn from(r: Refusal) -> Self {
        FiresparkError(r)
    }
}

/// Status and error code of each kind of failure.
fn status_and_code(kind: Kind) -> (StatusCode, &'static str) {
    match kind {
        Kind::AuthenticationRequired | Kind::AuthenticationFailed => {
            (StatusCode::UNAUTHORIZED, "unauthorized")
        }
        Kind::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
        Kind::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        Kind::BadRequest => (StatusCode::BAD_REQUEST, "validation_error"),
        Kind::Validation => (StatusCode::UNPROCESSABLE_ENTITY, "business_rule_violation"),
        Kind::Conflict => (StatusCode::CONFLICT, "conflict"),
        Kind::Throttled => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        Kind::UnsupportedMediaType => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
        }
        Kind::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        Kind::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "service_unavailable"),
        Kind::Timeout => (StatusCode::GATEWAY_TIMEOUT, "timeout"),
        Kind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
    }
}

/// The `error` of a refusal: a business rule (422) or a conflict (409) is named by its domain
/// code in snake case (`scheduled_override_conflict`, `idempotency_key_reused`); every other
/// failure by its kind.
fn error_code(r: &Refusal) -> String {
    let (_, code) = status_and_code(r.kind);
    match (r.kind, r.code.as_deref()) {
        (Kind::Validation | Kind::Conflict, Some(c)) if is_shouty(c) => c.to_ascii_lowercase(),
        _ => code.to_owned(),
    }
}

fn is_shouty(code: &str) -> bool {
    !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The `message`: `<field>: <problem>` when the refusal names a field, else its message.
pub fn message(r: &Refusal) -> String {
    match r
        .param
        .as_deref()
        .and_then(|p| Some((p, r.details.get(p)?.first()?)))
    {
        Some((p, problem)) if !p.is_empty() => format!("{p}: {problem}"),
        Some((_, problem)) => problem.clone(),
        None => r.message.clone(),
    }
}

impl IntoResponse for FiresparkError {
    fn into_response(self) -> Response {
        let r = self.0;
        let (status, _) = status_and_code(r.kind);
        let body = json!({"error": error_code(&r), "message": message(&r)});
        let mut res = (status, Json(body)).into_response();
        if let Some(secs) = r.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

/// One user error of a mutation (`{field, code, message, kind}`) as a refusal naming the
/// field `name` (empty: the request as a whole): a VALIDATION code is a 400, a RULE code a 422,
/// a reused idempotency key a 409.
pub fn user_error(e: &Value, name: String) -> Refusal {
    let message = e
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("is invalid")
        .to_owned();
    let code = e.get("code").and_then(Value::as_str).unwrap_or("INVALID");
    let kind = match (code, e.get("kind").and_then(Value::as_str)) {
        ("IDEMPOTENCY_KEY_REUSED", _) => Kind::Conflict,
        (_, Some("RULE")) => Kind::Validation,
        _ => Kind::BadRequest,
    };
    let mut r = Refusal::new(kind, message.clone()).with_code(code);
    r.details.insert(name.clone(), vec![message]);
    r.param = Some(name);
    r
}

/// The path of a user error (`["stores", "0", "location", "postal_code"]`).
pub fn path(e: &Value) -> Vec<&str> {
    e.get("field")
        .and_then(Value::as_array)
        .map(|p| p.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether a path segment is a list index.
pub fn is_index(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

/// The error statuses of a Fire spark route, for the OpenAPI document.
pub fn openapi_errors(r: &Route) -> Vec<(u16, String)> {
    let mut out = vec![
        (
            400,
            "Request body or parameters failed validation (`validation_error`); `message` is `<field>: <problem>`".to_owned(),
        ),
        (
            401,
            "Missing or invalid access token (`unauthorized`)".to_owned(),
        ),
        (
            403,
            format!("The token does not include the `{}` scope (`forbidden`)", r.scope),
        ),
    ];
    if r.method != axum::http::Method::GET {
        out.push((
            409,
            "The `Idempotency-Key` was used for another request (`idempotency_key_reused`)"
                .to_owned(),
        ));
        out.push((
            415,
            "A body that is not `application/json` (`unsupported_media_type`)".to_owned(),
        ));
        out.push((
            422,
            "Business rule violation, named by its code (`scheduled_override_conflict`, `brand_mismatch`, `duplicate_in_request`, `taken`…)".to_owned(),
        ));
    }
    out.push((
        429,
        "Too many failed credential attempts (`rate_limited`, with `Retry-After`)".to_owned(),
    ));
    out
}

/// The JSON schema of the error body.
pub fn schema() -> Value {
    json!({"type": "object", "required": ["error", "message"], "properties": {
        "error": {"type": "string", "description": "`validation_error`, `unauthorized`, `forbidden`, `not_found`, or a business rule's code."},
        "message": {"type": "string", "description": "`<field path>: <problem>` for a field, else the problem."}}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_decide_the_status_and_rules_name_themselves() {
        let e = json!({"field": ["stores", "0", "location", "postal_code"], "code": "INVALID",
                       "message": "Postal code must be numbers only", "kind": "VALIDATION"});
        let r = user_error(&e, "location.postal_code".into());
        assert_eq!(r.kind, Kind::BadRequest);
        assert_eq!(error_code(&r), "validation_error");
        assert_eq!(
            message(&r),
            "location.postal_code: Postal code must be numbers only"
        );
        let e = json!({"field": ["stores", "0", "status"], "code": "SCHEDULED_OVERRIDE_CONFLICT",
                       "message": "held", "kind": "RULE"});
        let r = user_error(&e, "status".into());
        assert_eq!(r.kind, Kind::Validation);
        assert_eq!(error_code(&r), "scheduled_override_conflict");
        let whole = user_error(
            &json!({"code": "LIMIT_EXCEEDED", "message": "too many"}),
            String::new(),
        );
        assert_eq!(message(&whole), "too many");
        assert_eq!(status_and_code(Kind::BadRequest).0, StatusCode::BAD_REQUEST);
    }
}
