//! `POST /oauth/token`: the OAuth 2.0 client credentials grant (RFC 6749 §4.4). Accepts an
//! `application/x-www-form-urlencoded` or JSON body, with the client authenticated in the body or
//! by HTTP Basic (§2.3.1). Errors use the RFC's `{"error","error_description"}` shape. Failed
//! client authentications are throttled per client id and per source address: past the limit,
//! 429 `temporarily_unavailable` with `Retry-After` (see [`super::throttle`]).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use super::credentials;
use super::scopes::ScopeSet;
use super::throttle::Attempt;
use crate::app::AppState;
use crate::http::Peer;

#[derive(Debug, Default, Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut res = (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Basic realm=\"commerce-gateway\""),
        );
    }
    res
}

fn parse_body(headers: &HeaderMap, body: &Bytes) -> Result<TokenRequest, Box<Response>> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let bad = |what: String| {
        Box::new(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &what,
        ))
    };
    if content_type.starts_with("application/json") {
        serde_json::from_slice(body).map_err(|e| bad(format!("the JSON body is invalid: {e}")))
    } else if content_type.starts_with("application/x-www-form-urlencoded")
        || content_type.is_empty()
    {
        let mut req = TokenRequest::default();
        for (k, v) in url::form_urlencoded::parse(body) {
            let v = Some(v.into_owned());
            match k.as_ref() {
                "grant_type" => req.grant_type = v,
                "client_id" => req.client_id = v,
                "client_secret" => req.client_secret = v,
                "scope" => req.scope = v,
                _ => {}
            }
        }
        Ok(req)
    } else {
        Err(bad(format!(
            "unsupported content type `{content_type}`: send application/x-www-form-urlencoded or application/json"
        )))
    }
}

/// Client id and secret from an `Authorization: Basic` header, if present.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let id = url::form_urlencoded::parse(format!("a={id}").as_bytes())
        .next()?
        .1
        .into_owned();
    let secret = url::form_urlencoded::parse(format!("a={secret}").as_bytes())
        .next()?
        .1
        .into_owned();
    Some((id, secret))
}

pub async fn create_token(
    State(state): State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req = match parse_body(&headers, &body) {
        Ok(r) => r,
        Err(res) => return *res,
    };
    match req.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(other) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                &format!(
                    "grant_type `{}` is not supported; use client_credentials",
                    other.chars().take(64).collect::<String>()
                ),
            )
        }
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required",
            )
        }
    }
    let (client_id, client_secret) = match (
        basic_credentials(&headers),
        req.client_id,
        req.client_secret,
    ) {
        (Some(pair), _, _) => pair,
        (None, Some(id), Some(secret)) => (id, secret),
        (None, None, _) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "client_id is required",
            )
        }
        (None, Some(_), None) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "client_secret is required",
            )
        }
    };
    let requested = match req.scope.as_deref().map(ScopeSet::parse).transpose() {
        Ok(s) => s,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", &e),
    };
    // Past too many failures for this client id or from this address, the secret is not even
    // looked at (see `throttle`).
    let attempt = Attempt::client(&client_id, peer.0);
    if let Err(retry_after) = state.throttle.check(&attempt) {
        let mut res = oauth_error(
            StatusCode::TOO_MANY_REQUESTS,
            "temporarily_unavailable",
            &format!(
                "too many failed client authentications for this client or from this address; \
                 retry in {retry_after} s"
            ),
        );
        res.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
        return res;
    }
    let grant = match state.db.conn().await {
        Ok(mut conn) => {
            credentials::authenticate_client(&mut conn, &client_id, &client_secret).await
        }
        Err(e) => Err(e),
    };
    let grant = match grant {
        Ok(Some(g)) => {
            state.throttle.succeeded(&attempt);
            g
        }
        Ok(None) => {
            state.throttle.failed(&attempt);
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "client authentication failed",
            );
        }
        Err(e) => {
            return oauth_error(
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                "server_error",
                &e.to_string(),
            )
        }
    };
    // An optional `scope` narrows the grant; it can never widen it.
    let scopes = match requested {
        Some(r) if !r.is_empty() => {
            if !grant.scopes.contains_all(&r) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    "the requested scope exceeds the scopes granted to this client",
                );
            }
            r
        }
        _ => grant.scopes.clone(),
    };
    let scope = scopes.to_oauth_string();
    match state
        .jwt
        .issue(&client_id, &grant.merchant_slug, &scope, grant.installed)
    {
        Ok(token) => {
            let mut res = Json(json!({
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": state.jwt.ttl().as_secs(),
                "scope": scope,
            }))
            .into_response();
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "signing a token failed");
            oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the token could not be issued",
            )
        }
    }
}
