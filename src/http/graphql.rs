//! `POST /graphql` (and `GET /graphql` for queries, or GraphiQL in a browser): authenticates the
//! caller, executes on the shared schema with fresh loaders, and gives every error a code.

use async_graphql::http::GraphiQLSource;
use async_graphql::{Request, Response as GqlResponse};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::Peer;
use crate::app::AppState;
use crate::auth::principal;
use crate::error::Error;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

fn wants_graphql_response(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains(GRAPHQL_RESPONSE))
}

/// A response made of one error, before any execution.
fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut res = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    res
}

fn render(headers: &HeaderMap, response: GqlResponse) -> Response {
    let graphql_response = wants_graphql_response(headers);
    // With application/graphql-response+json, a request that never executed is a 400
    // (GraphQL over HTTP §6.4.2); with application/json every GraphQL result is a 200.
    let status =
        if graphql_response && response.data == async_graphql::Value::Null && response.is_err() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
    let body = match serde_json::to_vec(&response) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "serializing a GraphQL response failed");
            return error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            );
        }
    };
    let content_type = if graphql_response {
        GRAPHQL_RESPONSE
    } else {
        "application/json"
    };
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A request refused before execution because of its credentials (401, 429 with
/// `Retry-After`, 503 when they could not be checked).
fn auth_error(e: &Error) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNAUTHORIZED);
    let mut res = error_response(status, e.code(), &e.to_string());
    if let Error::Throttled { retry_after } = e {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
    }
    res
}

async fn execute(state: &AppState, peer: Peer, headers: &HeaderMap, request: Request) -> Response {
    let principal = match principal::require_from(state, headers, peer.0).await {
        Ok(p) => p,
        Err(e) => return auth_error(&e),
    };
    let response = crate::graphql::execute(&state.schema, &state.db, principal, request).await;
    render(headers, response)
}

pub async fn post_graphql(
    State(state): State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.is_empty()
        && !content_type.starts_with("application/json")
        && !content_type.starts_with("application/graphql")
    {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_REQUEST",
            "send the GraphQL request as application/json",
        );
    }
    let request: Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("the request body is not a valid GraphQL JSON request: {e}"),
            )
        }
    };
    execute(&state, peer, &headers, request).await
}

pub async fn get_graphql(
    State(state): State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let accepts_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let query = query.unwrap_or_default();
    if accepts_html && !query.contains("query=") {
        return Html(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("commerce-gateway")
                .finish(),
        )
        .into_response();
    }
    let request = match async_graphql::http::parse_query_string(&query) {
        Ok(r) => r,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("invalid GraphQL GET request: {e}"),
            )
        }
    };
    // GET must not change anything (GraphQL over HTTP §6.3): only queries run over GET.
    if request.query.trim_start().starts_with("mutation") {
        let mut res = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            "BAD_REQUEST",
            "mutations must be sent with POST",
        );
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return res;
    }
    execute(&state, peer, &headers, request).await
}
