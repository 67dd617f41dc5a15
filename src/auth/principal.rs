//! Who is calling: the merchant every query is scoped to and the scopes granted. Built once per
//! request from the `Authorization`, `x-spree-api-key` or `X-AC-Auth-Token` header.

use std::net::IpAddr;

use axum::http::HeaderMap;

use super::credentials;
use super::scopes::{Scope, ScopeSet};
use super::throttle::Attempt;
use crate::app::AppState;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Principal {
    pub merchant_id: i64,
    pub merchant_slug: String,
    pub scopes: ScopeSet,
    /// `client:<client_id>` or `api_key:<prefix>`, for logs.
    pub subject: String,
    /// The credential, as the call and cost limits key it: `client:<client_id>` or
    /// `api_key:<merchant id>:<key id>`.
    pub client_key: String,
    /// Whether the credential is an installed application's (see
    /// [`super::credentials::Grant::installed`]).
    pub installed: bool,
}

impl Principal {
    pub fn require(&self, scope: Scope) -> Result<()> {
        if self.scopes.allows(scope) {
            Ok(())
        } else {
            Err(Error::forbidden(format!(
                "this operation requires the `{scope}` scope"
            )))
        }
    }
}

/// The credential a request presents, before it is checked.
enum Presented<'a> {
    Jwt(&'a str),
    ApiKey(&'a str),
}

fn presented(headers: &HeaderMap) -> Result<Option<Presented<'_>>> {
    let header = |name: &str| -> Result<Option<&str>> {
        match headers.get(name) {
            None => Ok(None),
            Some(v) => v.to_str().map(|s| Some(s.trim())).map_err(|_| {
                Error::unauthenticated(format!("the {name} header is not valid text"))
            }),
        }
    };
    if let Some(auth) = header("authorization")? {
        let token = auth
            .strip_prefix("Bearer ")
            .or_else(|| auth.strip_prefix("bearer "))
            .ok_or_else(|| {
                Error::unauthenticated("the Authorization header must be `Bearer <token>`")
            })?
            .trim();
        return Ok(Some(if token.starts_with("sk_") {
            Presented::ApiKey(token)
        } else {
            Presented::Jwt(token)
        }));
    }
    if let Some(key) = header("x-spree-api-key")? {
        return Ok(Some(Presented::ApiKey(key)));
    }
    // Spark Pay's header carries an API key or an access token from `POST /oauth/token`.
    if let Some(token) = header("x-ac-auth-token")? {
        return Ok(Some(if token.starts_with("sk_") {
            Presented::ApiKey(token)
        } else {
            Presented::Jwt(token)
        }));
    }
    Ok(None)
}

/// Authenticates a request. `Ok(None)` when it carries no credential at all. Without the
/// caller's address (a transport that does not know it): see [`authenticate_from`].
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Option<Principal>> {
    authenticate_from(state, headers, None).await
}

/// Authenticates a request from `peer` (its source address, when known: failed API keys are
/// throttled per key prefix and per address). A JWT of a revoked client is refused.
pub async fn authenticate_from(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<IpAddr>,
) -> Result<Option<Principal>> {
    match presented(headers)? {
        None => Ok(None),
        Some(Presented::Jwt(token)) => {
            let claims = state.jwt.verify(token).map_err(Error::unauthenticated)?;
            if state.revocations.is_revoked(&state.db, &claims.sub).await? {
                return Err(Error::unauthenticated(
                    "the access token's client has been revoked",
                ));
            }
            let merchant_id = state.merchant_id(&claims.merchant).await?;
            Ok(Some(Principal {
                merchant_id,
                merchant_slug: claims.merchant,
                scopes: ScopeSet::from_strings(
                    &claims
                        .scope
                        .split(' ')
                        .map(String::from)
                        .collect::<Vec<_>>(),
                ),
                subject: format!("client:{}", claims.sub),
                client_key: format!("client:{}", claims.sub),
                installed: claims.installed,
            }))
        }
        Some(Presented::ApiKey(key)) => {
            let attempt = Attempt::api_key(key, peer);
            state
                .throttle
                .check(&attempt)
                .map_err(|retry_after| Error::Throttled { retry_after })?;
            let mut conn = state.db.conn().await?;
            let Some(grant) = credentials::authenticate_api_key(&mut conn, key).await? else {
                state.throttle.failed(&attempt);
                return Err(Error::unauthenticated("the API key is invalid or revoked"));
            };
            state.throttle.succeeded(&attempt);
            credentials::touch_api_key(&mut conn, &grant).await?;
            Ok(Some(Principal {
                merchant_id: grant.merchant_id,
                merchant_slug: grant.merchant_slug,
                scopes: grant.scopes,
                subject: format!("api_key:{}", key.get(..10).unwrap_or("sk_")),
                client_key: format!("api_key:{}:{}", grant.merchant_id, grant.credential_id),
                installed: grant.installed,
            }))
        }
    }
}

/// Like [`authenticate`], but a request without credentials is refused.
pub async fn require(state: &AppState, headers: &HeaderMap) -> Result<Principal> {
    require_from(state, headers, None).await
}

/// Like [`authenticate_from`], but a request without credentials is refused.
pub async fn require_from(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<IpAddr>,
) -> Result<Principal> {
    authenticate_from(state, headers, peer)
        .await?
        .ok_or_else(|| {
            Error::unauthenticated(
                "missing credentials: send `Authorization: Bearer <token>` or an API key header",
            )
        })
}
