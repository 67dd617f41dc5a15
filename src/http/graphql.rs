//! `POST /graphql` (and `GET /graphql` for queries, or GraphiQL in a browser): authenticates the
//! caller, executes on the shared schema with fresh loaders, and gives every error a code.
//! Every request is counted and timed by the type of the operation it selected.

use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response as GqlResponse};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::metrics::Metrics;
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
    let mut res = super::edge::json_error(status, code, message);
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
    res
}

fn render(headers: &HeaderMap, response: GqlResponse) -> Response {
    let graphql_response = wants_graphql_response(headers);
    // A request error (the document did not parse or validate, a variable did not coerce, an
    // input was refused before execution) has no data and no error with a field path; field
    // errors during execution always carry one, even when they null the whole `data`.
    let request_error = response.data == async_graphql::Value::Null
        && response.is_err()
        && response.errors.iter().all(|e| e.path.is_empty());
    // With application/graphql-response+json a request error is a 400 without a `data` entry
    // (GraphQL over HTTP §6.4.2, and the spec's "data is not present" for errors raised before
    // execution); with application/json every GraphQL result is a 200 with `data`.
    let status = if has_code(&response, "SERVICE_UNAVAILABLE") {
        // The database is unreachable: a retryable condition of the whole service, not of the
        // document, so say it with the status (and Retry-After).
        StatusCode::SERVICE_UNAVAILABLE
    } else if graphql_response && request_error {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let body = if graphql_response && request_error {
        serde_json::to_vec(&RequestError {
            errors: &response.errors,
            extensions: &response.extensions,
        })
    } else {
        serde_json::to_vec(&response)
    };
    let body = match body {
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
    let mut res = (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
    res
}

/// Seconds a client waits before retrying when the database is unavailable.
const RETRY_AFTER_SECONDS: &str = "2";

fn has_code(response: &GqlResponse, code: &str) -> bool {
    response.errors.iter().any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| *c == async_graphql::Value::from(code))
    })
}

/// Whether a request may run mutations: GET must not change anything (GraphQL over HTTP
/// §6.3), so over GET only queries run.
#[derive(PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

/// The body of a request error: a response without its `data` entry.
#[derive(serde::Serialize)]
struct RequestError<'a> {
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
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

/// Times a GraphQL request and records it with the type of its operation (once known) when
/// dropped: when the response is ready, or when the client went away.
struct Observed<'a> {
    metrics: &'a Metrics,
    started: std::time::Instant,
    operation: Option<OperationType>,
}

impl<'a> Observed<'a> {
    fn start(metrics: &'a Metrics) -> Self {
        Self {
            metrics,
            started: std::time::Instant::now(),
            operation: None,
        }
    }
}

impl Drop for Observed<'_> {
    fn drop(&mut self) {
        self.metrics
            .graphql_request(self.operation, self.started.elapsed());
    }
}

async fn execute(
    state: &AppState,
    peer: Peer,
    headers: &HeaderMap,
    request: Request,
    method: Method,
    observed: &mut Observed<'_>,
) -> Response {
    let principal = match principal::require_from(state, headers, peer.0).await {
        Ok(p) => p,
        Err(e) => return auth_error(&e),
    };
    // No document at all is an invalid request, not a GraphQL syntax error (GraphQL over HTTP:
    // 400 when the parameters are invalid).
    if request.query.trim().is_empty() {
        return error_response(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the request has no `query`: send the GraphQL document in it",
        );
    }
    let limits = &state.config.document_limits;
    let mut prepared = match crate::graphql::prepare(request, &state.documents, limits).await {
        Ok(p) => p,
        Err(refused) => return render(headers, refused),
    };
    observed.operation = prepared.operation_type();
    // Decided on the parsed document's selected operation, never on the text: comments, a
    // BOM, a fragment first or several operations all lead to the same answer.
    if method == Method::Get
        && matches!(
            observed.operation,
            Some(OperationType::Mutation | OperationType::Subscription)
        )
    {
        let mut res = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            "BAD_REQUEST",
            "mutations must be sent with POST",
        );
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return res;
    }
    let charge = match crate::graphql::charge(
        &state.schema,
        &state.limits,
        state.config.rate_limits.max_query_cost,
        &principal,
        &mut prepared,
    )
    .await
    {
        Ok(c) => c,
        Err(refused) => return render(headers, refused),
    };
    let mut response = crate::graphql::execute(&state.schema, &state.db, principal, prepared).await;
    charge.extend(&mut response);
    render(headers, response)
}

/// A body or parameter that is not valid JSON: 400, and BAD_USER_INPUT when it only nests
/// too deep (serde_json stops at 128 levels, before anything recurses further).
fn bad_json(what: &str, e: &serde_json::Error) -> Response {
    let code = if e.to_string().contains("recursion limit exceeded") {
        "BAD_USER_INPUT"
    } else {
        "BAD_REQUEST"
    };
    error_response(StatusCode::BAD_REQUEST, code, &format!("{what}: {e}"))
}

pub async fn post_graphql(
    State(state): State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut observed = Observed::start(&state.metrics);
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
        Err(e) => return bad_json("the request body is not a valid GraphQL JSON request", &e),
    };
    execute(&state, peer, &headers, request, Method::Post, &mut observed).await
}

/// The GraphQL request of a GET's query string: `query`, `operationName` (or
/// `operation_name`), and `variables` / `extensions` as JSON.
fn get_request(query_string: &str) -> Result<Request, Box<Response>> {
    let mut request = Request::new("");
    for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
        match key.as_ref() {
            "query" => request.query = value.into_owned(),
            "operationName" | "operation_name" if !value.is_empty() => {
                request.operation_name = Some(value.into_owned())
            }
            "variables" if !value.is_empty() => {
                request.variables = serde_json::from_str(&value).map_err(|e| {
                    Box::new(bad_json(
                        "the `variables` parameter is not a JSON object",
                        &e,
                    ))
                })?
            }
            "extensions" if !value.is_empty() => {
                request.extensions = serde_json::from_str(&value).map_err(|e| {
                    Box::new(bad_json(
                        "the `extensions` parameter is not a JSON object",
                        &e,
                    ))
                })?
            }
            _ => {}
        }
    }
    Ok(request)
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
        return super::graphiql::page();
    }
    let mut observed = Observed::start(&state.metrics);
    let request = match get_request(&query) {
        Ok(r) => r,
        Err(res) => return *res,
    };
    execute(&state, peer, &headers, request, Method::Get, &mut observed).await
}
