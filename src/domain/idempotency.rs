//! Idempotency keys: a mutation sent again with the same key returns its first result and
//! writes nothing. The key row is inserted in the mutation's own transaction (see the migration
//! `idempotency_keys`), so two concurrent retries cannot both write.

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

pub fn validate_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > 255 {
        return Err(Error::bad_input(
            "idempotencyKey",
            "must be 1 to 255 characters",
        ));
    }
    Ok(())
}

/// The stored result of `key`, if the mutation already ran. Fails when the key was used for
/// another operation or another input.
pub async fn lookup(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    key: &str,
    operation: &str,
    hash: &str,
) -> Result<Option<serde_json::Value>> {
    let rows: Vec<Stored> = Sql::with_binds(
        "SELECT operation, request_hash, result FROM idempotency_keys WHERE merchant_id = $1 AND key = $2",
        vec![Bind::I64(merchant_id), Bind::Text(key.to_owned())],
    )
    .into_query()
    .load(conn)
    .await?;
    match rows.into_iter().next() {
        None => Ok(None),
        Some(s) if s.operation == operation && s.request_hash == hash => Ok(Some(s.result)),
        Some(_) => Err(Error::conflict(
            "idempotencyKey",
            "this idempotency key was already used for a different request",
        )),
    }
}

/// Records the result inside the mutation's transaction. Returns false when a concurrent
/// request with the same key committed first (the caller must roll back and replay).
pub async fn record(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    key: &str,
    operation: &str,
    hash: &str,
    result: &serde_json::Value,
) -> Result<bool> {
    let n = Sql::with_binds(
        "INSERT INTO idempotency_keys (merchant_id, key, operation, request_hash, result) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        vec![
            Bind::I64(merchant_id),
            Bind::Text(key.to_owned()),
            Bind::Text(operation.to_owned()),
            Bind::Text(hash.to_owned()),
            Bind::Json(result.clone()),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(n == 1)
}
