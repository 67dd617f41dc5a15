//! Spark Pay's call limit, as a layer over the dialect's routes: every authenticated call is
//! counted (`crate::limits::calls`) and answered with `X-AC-Call-Limit: used/limit`; a call
//! past the limit is refused before its handler runs (so it reads and writes nothing) with 429,
//! `Retry-After` (seconds until the window ends) and Spark Pay's error body.
//!
//! The layer authenticates the caller once and hands the principal to the handler's
//! [`super::Caller`], so a call costs no second credential lookup.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::SparkPayError;
use crate::auth::Principal;
use crate::limits::calls::Verdict;
use crate::rest::{Kind, Refusal, RestState};

/// The response header carrying `used/limit`.
pub const HEADER: &str = "x-ac-call-limit";

/// The principal the layer authenticated, for [`super::Caller`].
#[derive(Clone)]
pub struct Authenticated(pub Principal);

pub async fn layer(State(state): State<RestState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let principal = match super::authenticate_caller(&state, &parts).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let verdict = state.app.limits.sparkpay_call(&principal).await;
    let mut response = match verdict {
        Some(Verdict::Refused(usage)) => {
            let window = state.app.limits.config.sparkpay_window;
            let mut r = Refusal::new(
                Kind::Throttled,
                format!(
                    "call limit reached: {} calls per {} ms; retry in {} s",
                    usage.limit,
                    window.as_millis(),
                    usage.retry_after_secs()
                ),
            );
            r.retry_after = Some(usage.retry_after_secs());
            SparkPayError(r).into_response()
        }
        _ => {
            parts.extensions.insert(Authenticated(principal));
            next.run(Request::from_parts(parts, body)).await
        }
    };
    if let Some(v) = verdict.and_then(|v| HeaderValue::from_str(&v.usage().header()).ok()) {
        response.headers_mut().insert(HEADER, v);
    }
    response
}
