//! Shared state of a running gateway: the database, signing keys, the GraphQL schema and its
//! parsed-document cache, the revocation cache, the throttle of failed credential attempts,
//! the request metrics and a cache of merchant slugs (tokens name their merchant by slug;
//! merchants are never deleted).
//!
//! Everything a gateway caches or counts lives here (or in the schema's data, or the
//! [`Db`]), never in a process-wide static: two gateways in one process (the tests run many)
//! share nothing.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::RwLock;

use crate::auth::jwt::JwtKeys;
use crate::auth::revocation::Revocations;
use crate::auth::throttle::Throttle;
use crate::config::Config;
use crate::db::Db;
use crate::domain::merchants;
use crate::error::{Error, Result};
use crate::graphql::documents::DocumentCache;
use crate::graphql::AppSchema;
use crate::http::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub jwt: Arc<JwtKeys>,
    pub schema: AppSchema,
    /// Parsed GraphQL documents by query text.
    pub documents: Arc<DocumentCache>,
    /// Request counts and latencies, rendered by `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Which API clients are revoked, as of a few seconds ago.
    pub revocations: Arc<Revocations>,
    /// Failed credential attempts, per client and per address.
    pub throttle: Arc<Throttle>,
    /// Call and cost limits of API clients.
    pub limits: Arc<crate::limits::Limits>,
    merchant_ids: Arc<RwLock<HashMap<String, i64>>>,
}

impl AppState {
    /// The state of a gateway serving `config` from `db` (no background task is started: see
    /// [`crate::build_app`]); an error when `REDIS_URL` does not parse.
    pub fn new(config: Config, db: Db) -> anyhow::Result<Self> {
        let jwt = JwtKeys::new(&config.jwt);
        if jwt.generated {
            tracing::warn!(
                kid = %jwt.kid(),
                "no JWT_SECRET or JWT_KEY_FILE configured: generated a signing key for this process; \
                 tokens will not survive a restart nor be accepted by other nodes"
            );
        }
        let schema = crate::graphql::build_schema(&config, jwt.cursor_key());
        let limits = crate::limits::Limits::new(&config.rate_limits)?;
        if let Some(url) = &config.rate_limits.redis_url {
            tracing::info!(
                redis = %crate::config::redis_url_for_logs(url),
                "call and cost limits are shared through Redis"
            );
        }
        Ok(Self {
            revocations: Arc::new(Revocations::new(config.auth.revocation_cache_ttl)),
            throttle: Arc::new(Throttle::new(&config.auth)),
            limits: Arc::new(limits),
            config: Arc::new(config),
            db,
            jwt: Arc::new(jwt),
            schema,
            documents: Default::default(),
            metrics: Default::default(),
            merchant_ids: Default::default(),
        })
    }

    /// The internal key of the merchant a token names.
    pub async fn merchant_id(&self, slug: &str) -> Result<i64> {
        if let Some(id) = self.merchant_ids.read().await.get(slug) {
            return Ok(*id);
        }
        let mut conn = self.db.conn().await?;
        let merchant = merchants::find_by_slug(&mut conn, slug)
            .await
            .map_err(|_| Error::unauthenticated("the token's merchant does not exist"))?;
        self.merchant_ids
            .write()
            .await
            .insert(slug.to_owned(), merchant.id);
        Ok(merchant.id)
    }
}
