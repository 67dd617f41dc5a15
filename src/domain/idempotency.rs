//! Idempotency keys: a mutation sent again with the same key returns its first result and
//! writes nothing. The key row is inserted in the mutation's own transaction (see the migration
//! `idempotency_keys`), so two concurrent retries cannot both write.
//!
//! A key is honoured for a limited time (`Config::idempotency_ttl`, 24 hours by default): an
//! older key is ignored by [`lookup`] and taken over by [`record`] even before [`purge_expired`]
//! (run in the background by [`spawn_purge`]) deletes it.

use std::time::Duration;

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};

use crate::db::sql::{Bind, Sql};
use crate::error::{Error, Result};

#[derive(QueryableByName)]
struct Stored {
    #[diesel(sql_type = sql_types::Text)]
    operation: String,
    #[diesel(sql_type = sql_types::Text)]
    request_hash: String,
    #[diesel(sql_type = sql_types::Jsonb)]
    result: serde_json::Value,
}

/// Digest of a mutation's input, so a key cannot be reused for a different request.
pub fn request_hash(input: &impl serde::Serialize) -> String {
    hex::encode(Sha256::digest(
        serde_json::to_vec(input).unwrap_or_default(),
    ))
}

/// The argument naming the idempotency key, as errors name it.
pub const KEY_FIELD: &str = "idempotency_key";

pub fn validate_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > 255 {
        return Err(Error::bad_input(KEY_FIELD, "must be 1 to 255 characters"));
    }
    Ok(())
}

/// Seconds as a bind: whole seconds, at least one, at most 100 years (so the interval fits).
fn seconds(ttl: Duration) -> Bind {
    Bind::I64(ttl.as_secs().clamp(1, 100 * 365 * 86_400) as i64)
}

/// The stored result of `key`, if the mutation already ran less than `ttl` ago. Fails when the
/// key was used for another operation or another input.
pub async fn lookup(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    key: &str,
    operation: &str,
    hash: &str,
    ttl: Duration,
) -> Result<Option<serde_json::Value>> {
    let rows: Vec<Stored> = Sql::with_binds(
        "SELECT operation, request_hash, result FROM idempotency_keys \
         WHERE merchant_id = $1 AND key = $2 AND created_at > now() - make_interval(secs => $3::float8)",
        vec![
            Bind::I64(merchant_id),
            Bind::Text(key.to_owned()),
            seconds(ttl),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    match rows.into_iter().next() {
        None => Ok(None),
        Some(s) if s.operation == operation && s.request_hash == hash => Ok(Some(s.result)),
        Some(_) => Err(Error::conflict(
            KEY_FIELD,
            "this idempotency key was already used for a different request",
        )),
    }
}

/// Records the result inside the mutation's transaction. Returns false when a concurrent
/// request with the same key committed first (the caller must roll back and replay). A row of
/// the key older than `ttl` that the purge has not deleted yet is replaced.
pub async fn record(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    key: &str,
    operation: &str,
    hash: &str,
    result: &serde_json::Value,
    ttl: Duration,
) -> Result<bool> {
    let n = Sql::with_binds(
        "INSERT INTO idempotency_keys (merchant_id, key, operation, request_hash, result) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (merchant_id, key) DO UPDATE SET operation = EXCLUDED.operation, \
             request_hash = EXCLUDED.request_hash, result = EXCLUDED.result, created_at = now() \
         WHERE idempotency_keys.created_at <= now() - make_interval(secs => $6::float8)",
        vec![
            Bind::I64(merchant_id),
            Bind::Text(key.to_owned()),
            Bind::Text(operation.to_owned()),
            Bind::Text(hash.to_owned()),
            Bind::Json(result.clone()),
            seconds(ttl),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// Keys deleted per statement by [`purge_expired`]: short transactions, short row locks.
pub const PURGE_BATCH: i64 = 1000;

/// Deletes keys older than `ttl`, in batches of `batch`; returns how many were deleted.
/// Several nodes may purge at once: rows another purge holds are skipped, not waited for.
pub async fn purge_expired(conn: &mut AsyncPgConnection, ttl: Duration, batch: i64) -> Result<u64> {
    let mut total = 0u64;
    loop {
        let n = Sql::with_binds(
            "DELETE FROM idempotency_keys WHERE (merchant_id, key) IN ( \
                 SELECT merchant_id, key FROM idempotency_keys \
                 WHERE created_at <= now() - make_interval(secs => $1::float8) \
                 LIMIT $2 FOR UPDATE SKIP LOCKED)",
            vec![seconds(ttl), Bind::I64(batch.max(1))],
        )
        .into_query()
        .execute(conn)
        .await?;
        total += n as u64;
        if (n as i64) < batch.max(1) {
            return Ok(total);
        }
    }
}

/// Purges expired keys every `every` in the background, for as long as the process runs. The
/// first purge runs one period after start, so that a restart does not add work to start-up.
/// Its statements are housekeeping, not any request's cost: they run uncounted.
pub fn spawn_purge(
    db: crate::db::Db,
    ttl: Duration,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    let every = every.max(Duration::from_secs(1));
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match db
                .uncounted(async |conn| purge_expired(conn, ttl, PURGE_BATCH).await)
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "purged expired idempotency keys"),
                Err(e) => tracing::warn!(error = %e, "purging expired idempotency keys failed"),
            }
        }
    })
}
