//! API clients (OAuth 2.0 client credentials) and API keys: created by the CLI, shown once,
//! stored hashed, revocable, with their last use recorded.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use super::scopes::ScopeSet;
use super::secrets;
use crate::db::schema::{api_clients, api_keys, merchants};
use crate::error::Result;

/// What a valid credential resolves to.
#[derive(Debug, Clone)]
pub struct Grant {
    pub merchant_id: i64,
    pub merchant_slug: String,
    pub credential_id: i64,
    pub scopes: ScopeSet,
    pub last_used_at: Option<DateTime<Utc>>,
    /// An installed application's credential (shares its store's Spark Pay call limit), not a
    /// custom one (which has its own).
    pub installed: bool,
}

#[derive(Debug, Serialize)]
pub struct NewClient {
    pub client_id: String,
    pub client_secret: String,
    pub merchant: String,
    pub scopes: Vec<String>,
    pub installed: bool,
}

#[derive(Debug, Serialize)]
pub struct NewApiKey {
    pub key: String,
    pub merchant: String,
    pub scopes: Vec<String>,
    pub installed: bool,
}

pub async fn create_client(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    merchant_slug: &str,
    name: &str,
    scopes: &ScopeSet,
    installed: bool,
) -> Result<NewClient> {
    let client_id = secrets::new_client_id();
    let client_secret = secrets::new_client_secret();
    diesel::insert_into(api_clients::table)
        .values((
            api_clients::merchant_id.eq(merchant_id),
            api_clients::client_id.eq(&client_id),
            api_clients::secret_hash.eq(secrets::digest(&client_secret)),
            api_clients::name.eq(name),
            api_clients::scopes.eq(scopes.to_strings()),
            api_clients::installed.eq(installed),
        ))
        .execute(conn)
        .await?;
    Ok(NewClient {
        client_id,
        client_secret,
        merchant: merchant_slug.to_owned(),
        scopes: scopes.to_strings(),
        installed,
    })
}

pub async fn create_api_key(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    merchant_slug: &str,
    name: &str,
    scopes: &ScopeSet,
    installed: bool,
) -> Result<NewApiKey> {
    let key = secrets::new_api_key();
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::merchant_id.eq(merchant_id),
            api_keys::key_hash.eq(secrets::digest(&key)),
            api_keys::key_prefix.eq(&key[..10]),
            api_keys::name.eq(name),
            api_keys::scopes.eq(scopes.to_strings()),
            api_keys::installed.eq(installed),
        ))
        .execute(conn)
        .await?;
    Ok(NewApiKey {
        key,
        merchant: merchant_slug.to_owned(),
        scopes: scopes.to_strings(),
        installed,
    })
}

type GrantRow = (i64, String, i64, Vec<String>, Option<DateTime<Utc>>, bool);

fn grant(
    (merchant_id, merchant_slug, credential_id, scopes, last_used_at, installed): GrantRow,
) -> Grant {
    Grant {
        merchant_id,
        merchant_slug,
        credential_id,
        scopes: ScopeSet::from_strings(&scopes),
        last_used_at,
        installed,
    }
}

/// Verifies a client's secret; `None` for an unknown, revoked or wrongly authenticated client.
pub async fn authenticate_client(
    conn: &mut AsyncPgConnection,
    client_id: &str,
    client_secret: &str,
) -> Result<Option<Grant>> {
    // PostgreSQL fails a statement comparing text that holds a NUL (the token endpoint then
    // answered 500): no client id has one, so it is an unknown client, at the same cost.
    if client_id.contains('\0') {
        let _ = secrets::verify(client_secret, "0");
        return Ok(None);
    }
    let row: Option<(GrantRow, String)> = api_clients::table
        .inner_join(merchants::table.on(merchants::id.eq(api_clients::merchant_id)))
        .filter(api_clients::client_id.eq(client_id))
        .filter(api_clients::revoked_at.is_null())
        .select((
            (
                api_clients::merchant_id,
                merchants::slug,
                api_clients::id,
                api_clients::scopes,
                api_clients::last_used_at,
                api_clients::installed,
            ),
            api_clients::secret_hash,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((row, hash)) = row else {
        // Spend the same time on an unknown client as on a wrong secret.
        let _ = secrets::verify(client_secret, "0");
        return Ok(None);
    };
    if !secrets::verify(client_secret, &hash) {
        return Ok(None);
    }
    diesel::update(api_clients::table)
        .filter(api_clients::merchant_id.eq(row.0))
        .filter(api_clients::id.eq(row.2))
        .set(api_clients::last_used_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(Some(grant(row)))
}

/// Looks an API key up by its digest; `None` when unknown or revoked.
pub async fn authenticate_api_key(
    conn: &mut AsyncPgConnection,
    key: &str,
) -> Result<Option<Grant>> {
    let row: Option<GrantRow> = api_keys::table
        .inner_join(merchants::table.on(merchants::id.eq(api_keys::merchant_id)))
        .filter(api_keys::key_hash.eq(secrets::digest(key)))
        .filter(api_keys::revoked_at.is_null())
        .select((
            api_keys::merchant_id,
            merchants::slug,
            api_keys::id,
            api_keys::scopes,
            api_keys::last_used_at,
            api_keys::installed,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(row.map(grant))
}

/// Records the use of an API key, at most once a minute per key so that reads do not turn
/// into a write per request.
pub async fn touch_api_key(conn: &mut AsyncPgConnection, grant: &Grant) -> Result<()> {
    let stale = grant
        .last_used_at
        .is_none_or(|t| Utc::now() - t > chrono::Duration::seconds(60));
    if stale {
        diesel::update(api_keys::table)
            .filter(api_keys::merchant_id.eq(grant.merchant_id))
            .filter(api_keys::id.eq(grant.credential_id))
            .set(api_keys::last_used_at.eq(diesel::dsl::now))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Whether the client a token was issued to is revoked (or no longer exists).
pub async fn client_revoked(conn: &mut AsyncPgConnection, client_id: &str) -> Result<bool> {
    let active: Option<bool> = api_clients::table
        .filter(api_clients::client_id.eq(client_id))
        .select(api_clients::revoked_at.is_null())
        .first(conn)
        .await
        .optional()?;
    Ok(active != Some(true))
}

/// Revokes a client by its public client_id; returns whether one was revoked. Its tokens
/// already issued are refused too, by every node within `AuthConfig::revocation_cache_ttl`.
/// Revokes every active client and API key of the merchant named `name` (`serve --demo`
/// replaces the credentials of its previous start); how many were revoked.
pub async fn revoke_named(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    name: &str,
) -> Result<usize> {
    let clients = diesel::update(api_clients::table)
        .filter(api_clients::merchant_id.eq(merchant_id))
        .filter(api_clients::name.eq(name))
        .filter(api_clients::revoked_at.is_null())
        .set(api_clients::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    let keys = diesel::update(api_keys::table)
        .filter(api_keys::merchant_id.eq(merchant_id))
        .filter(api_keys::name.eq(name))
        .filter(api_keys::revoked_at.is_null())
        .set(api_keys::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(clients + keys)
}

pub async fn revoke_client(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    client_id: &str,
) -> Result<bool> {
    let n = diesel::update(api_clients::table)
        .filter(api_clients::merchant_id.eq(merchant_id))
        .filter(api_clients::client_id.eq(client_id))
        .filter(api_clients::revoked_at.is_null())
        .set(api_clients::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(n > 0)
}

/// Revokes an API key by its full value or its displayed prefix.
pub async fn revoke_api_key(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    key_or_prefix: &str,
) -> Result<bool> {
    let n = diesel::update(api_keys::table)
        .filter(api_keys::merchant_id.eq(merchant_id))
        .filter(
            api_keys::key_hash
                .eq(secrets::digest(key_or_prefix))
                .or(api_keys::key_prefix.eq(key_or_prefix)),
        )
        .filter(api_keys::revoked_at.is_null())
        .set(api_keys::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(n > 0)
}
