//! Revoked API clients: their JWTs are refused although they are still signed and unexpired.
//!
//! `clients revoke` only writes `api_clients.revoked_at`; every node learns it from the
//! database. A node asks about a client id at most once per `AuthConfig::revocation_cache_ttl`
//! (3 s by default) and keeps the answer that long, so a revocation takes effect on every node
//! within that time while a busy client costs one indexed lookup per few seconds, not one per
//! request.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lru::LruCache;

use super::credentials;
use crate::db::Db;
use crate::error::Result;

/// Client ids whose answer is kept. Only ids from validly signed tokens get here.
const TRACKED: usize = 10_000;

pub struct Revocations {
    ttl: Duration,
    known: Mutex<LruCache<String, (Instant, bool)>>,
}

impl Revocations {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            known: Mutex::new(LruCache::new(
                NonZeroUsize::new(TRACKED).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    fn cached(&self, client_id: &str) -> Option<bool> {
        // A poisoned lock only means another thread panicked mid-update: the map is still a
        // map of answers, fine to read.
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        match known.get(client_id) {
            Some((at, revoked)) if at.elapsed() < self.ttl => Some(*revoked),
            _ => None,
        }
    }

    /// Whether `client_id` was revoked (or deleted), as of at most `ttl` ago.
    ///
    /// The lookup runs on an uncounted connection: the statement counters measure what a
    /// request's resolvers send (the query-count tests prove with them that statements depend
    /// on the query's depth only). This lookup is per credential and per few seconds, not per
    /// query, and counting it would make a request's count depend on whether a cache entry
    /// happened to expire since the previous request.
    pub async fn is_revoked(&self, db: &Db, client_id: &str) -> Result<bool> {
        if let Some(revoked) = self.cached(client_id) {
            return Ok(revoked);
        }
        let revoked = db
            .uncounted(async |conn| credentials::client_revoked(conn, client_id).await)
            .await?;
        if !self.ttl.is_zero() {
            let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
            known.put(client_id.to_owned(), (Instant::now(), revoked));
        }
        Ok(revoked)
    }
}
