//! Cross-cutting answers of the HTTP edge, in the gateway's JSON error shape
//! (`{"errors":[{"message","extensions":{"code"}}]}`): bodies over the limit, panics, and the
//! CORS policy.

use std::any::Any;

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;
use tower_http::cors::{AllowOrigin, Any as AnyOrigin, CorsLayer};

/// One error in the JSON shape every route shares.
pub fn json_error(status: StatusCode, code: &str, message: &str) -> axum::response::Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, axum::Json(body)).into_response()
}

/// `413` from the body-limit layer or an extractor and `408` from the timeout layer come with
/// a plain-text or empty body: give them the JSON shape and a code. Responses that already
/// are JSON pass untouched.
pub async fn plain_errors_as_json(res: axum::response::Response) -> axum::response::Response {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    match res.status() {
        StatusCode::PAYLOAD_TOO_LARGE if !is_json => json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "the request body is larger than this server accepts",
        ),
        StatusCode::REQUEST_TIMEOUT if !is_json => json_error(
            StatusCode::REQUEST_TIMEOUT,
            "TIMEOUT",
            "the request took longer than this server allows and was stopped",
        ),
        _ => res,
    }
}

/// A handler that panicked: logged with its message, answered as a JSON 500 (the connection
/// stays up and the other requests on the process are unaffected).
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %message, "a request handler panicked");
    json_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        "internal error",
    )
}

/// CORS for `origins`: `*` allows any origin; otherwise only the listed ones (an entry that is
/// not a valid header value is skipped with a warning).
pub fn cors(origins: &[String]) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods(AnyOrigin)
        .allow_headers(AnyOrigin)
        .expose_headers([
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
        ]);
    if origins.iter().any(|o| o == "*") {
        return layer.allow_origin(AnyOrigin);
    }
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| match HeaderValue::from_str(o) {
            Ok(v) => Some(v),
            Err(_) => {
                tracing::warn!(origin = %o, "ignoring a CORS origin that is not a valid header value");
                None
            }
        })
        .collect();
    layer.allow_origin(AllowOrigin::list(list))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tower::ServiceExt;
    use tower_http::catch_panic::CatchPanicLayer;

    #[tokio::test]
    async fn a_panicking_handler_answers_a_json_500() {
        async fn boom() -> &'static str {
            panic!("boom")
        }
        let app = axum::Router::new()
            .route("/boom", get(boom))
            .layer(CatchPanicLayer::custom(panic_response));
        let res = app
            .oneshot(
                axum::http::Request::get("/boom")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
        assert_eq!(body["errors"][0]["message"], "internal error");
    }

    #[tokio::test]
    async fn plain_408_and_413_become_json_and_json_passes_untouched() {
        for (status, code) in [
            (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE"),
            (StatusCode::REQUEST_TIMEOUT, "TIMEOUT"),
        ] {
            let res = plain_errors_as_json((status, "length limit exceeded").into_response()).await;
            assert_eq!(res.status(), status);
            let body = axum::body::to_bytes(res.into_body(), 1 << 16)
                .await
                .unwrap();
            let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(body["errors"][0]["extensions"]["code"], code);
        }
        let json = json_error(StatusCode::PAYLOAD_TOO_LARGE, "LIMIT", "x");
        let res = plain_errors_as_json(json).await;
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&body).contains("LIMIT"));
    }
}
