//! Typed configuration, from CLI flags and environment variables. Secrets are never logged:
//! `Config`'s `Debug` prints them redacted.

use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};

/// Default database when neither `--database-url` nor `DATABASE_URL` is given.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/commerce_gateway";

/// How long an idempotency key is honoured when not configured: a day.
pub const DEFAULT_IDEMPOTENCY_TTL: Duration = Duration::from_secs(24 * 3600);

#[derive(Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub database_url: String,
    /// Where the embedded PostgreSQL cluster lives when no server is reachable.
    pub data_dir: PathBuf,
    pub pool_size: usize,
    pub jwt: JwtConfig,
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
    /// Maximum query complexity accepted by the GraphQL executor (the depth limit is
    /// `document_limits.max_depth`); the calculated cost has its own maximum,
    /// [`RateLimitConfig::max_query_cost`].
    pub max_complexity: usize,
    /// Length, tokens, nesting and expanded size of a document (checked before parsing).
    pub document_limits: crate::graphql::limits::DocumentLimits,
    /// `statement_timeout`, `idle_in_transaction_session_timeout` and `application_name` of
    /// every pooled connection.
    pub session: crate::db::SessionSettings,
    /// Origins browsers may call from (`Access-Control-Allow-Origin`); `["*"]` allows any.
    /// Credentials travel in headers, never cookies, so `*` exposes nothing by itself.
    pub cors_origins: Vec<String>,
    /// How long an idempotency key is honoured; older keys are ignored, then purged.
    pub idempotency_ttl: Duration,
    /// How often expired idempotency keys are deleted in the background.
    pub idempotency_purge_interval: Duration,
    pub auth: AuthConfig,
    /// The background worker of migration batches.
    pub jobs: JobsConfig,
    /// Call limits (Spark Pay) and query cost limits (GraphQL and the REST dialects).
    pub rate_limits: RateLimitConfig,
}

/// Call and cost limits of API clients (see [`crate::limits`]).
#[derive(Clone)]
pub struct RateLimitConfig {
    /// Spark Pay calls a client may make per `sparkpay_window` (`X-AC-Call-Limit`); the
    /// installed applications of a store share one count, a custom client has its own. Zero
    /// disables the limit.
    pub sparkpay_calls: u32,
    pub sparkpay_window: Duration,
    /// Largest calculated cost (`graphql::cost`) of one operation, GraphQL or REST: over it,
    /// MAX_COST_EXCEEDED before anything runs.
    pub max_query_cost: u64,
    /// Points a client's query cost bucket holds (GraphQL and the Spree and Fire spark
    /// dialects take each operation's calculated cost from it). Zero disables the buckets.
    pub cost_bucket_size: u64,
    /// Points a second a bucket refills.
    pub cost_restore_rate: u64,
    /// Where the counts and buckets are shared between gateways (`redis://…`); `None`: each
    /// gateway counts in-process.
    pub redis_url: Option<String>,
    /// Prefix of every Redis key (gateways sharing a Redis for different purposes, tests).
    pub redis_prefix: String,
}

impl fmt::Debug for RateLimitConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimitConfig")
            .field("sparkpay_calls", &self.sparkpay_calls)
            .field("sparkpay_window", &self.sparkpay_window)
            .field("max_query_cost", &self.max_query_cost)
            .field("cost_bucket_size", &self.cost_bucket_size)
            .field("cost_restore_rate", &self.cost_restore_rate)
            .field(
                "redis_url",
                &self.redis_url.as_deref().map(redis_url_for_logs),
            )
            .field("redis_prefix", &self.redis_prefix)
            .finish()
    }
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            sparkpay_calls: 50,
            sparkpay_window: Duration::from_secs(10),
            // A page of 250 orders with their lines, the REST dialects' largest default page,
            // costs about 19,000.
            max_query_cost: 50_000,
            cost_bucket_size: 100_000,
            cost_restore_rate: 5_000,
            redis_url: None,
            redis_prefix: "cg:limits:".into(),
        }
    }
}

/// The worker that runs queued migration batches (and queued reverts) in the background.
#[derive(Clone, Debug)]
pub struct JobsConfig {
    /// Whether this gateway runs the worker (several gateways may: they never run one batch
    /// twice). Tests turn it off and drive the jobs themselves.
    pub enabled: bool,
    /// How often the worker looks for waiting batches (a batch queued by this gateway wakes
    /// it at once).
    pub poll_interval: Duration,
    /// Rows processed per transaction.
    pub chunk_rows: i64,
    /// A running batch whose worker sent no heartbeat for this long is taken over.
    pub stale_after: Duration,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            poll_interval: Duration::from_secs(2),
            chunk_rows: 5_000,
            stale_after: Duration::from_secs(60),
        }
    }
}

/// Credential checks: revocation of issued tokens and throttling of failed attempts.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// How long a node may trust its last answer to "is this API client revoked?" before asking
    /// the database again: a revoked client's JWTs are refused at most this long after
    /// `clients revoke`, on every node. Zero asks on every request.
    pub revocation_cache_ttl: Duration,
    /// Failed credential attempts (token endpoint, API keys) allowed per client id (or API key
    /// prefix) within `failure_window`; further attempts get 429 until the window frees up.
    /// Zero disables the limit.
    pub failures_per_client: u32,
    /// Failed credential attempts allowed per source address within `failure_window`. Behind a
    /// proxy every request has the proxy's address: raise it or set it to zero there.
    pub failures_per_address: u32,
    pub failure_window: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            revocation_cache_ttl: Duration::from_secs(3),
            failures_per_client: 10,
            failures_per_address: 30,
            failure_window: Duration::from_secs(60),
        }
    }
}

#[derive(Clone)]
pub struct JwtConfig {
    /// HMAC secret used to sign new tokens and page cursors. `None`: the secret stored in the
    /// database, shared by every gateway on it ([`crate::db::secrets`]).
    pub secret: Option<String>,
    /// Older secrets still accepted for verification while clients roll over.
    pub previous_secrets: Vec<String>,
    pub issuer: String,
    pub audience: String,
    pub ttl: Duration,
}

impl Default for JwtConfig {
    fn default() -> Self {
        Self {
            secret: None,
            previous_secrets: Vec::new(),
            issuer: "commerce-gateway".into(),
            audience: "commerce-gateway".into(),
            ttl: Duration::from_secs(3600),
        }
    }
}

impl Config {
    /// A configuration with defaults for everything but the database.
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: database_url.into(),
            data_dir: PathBuf::from(".data"),
            pool_size: 16,
            jwt: JwtConfig::default(),
            request_timeout: Duration::from_secs(30),
            body_limit_bytes: 8 * 1024 * 1024,
            max_complexity: 20_000,
            document_limits: Default::default(),
            session: crate::db::SessionSettings {
                // Below the request timeout, so the client gets the database's clean error
                // rather than a 408 while the statement would still run.
                statement_timeout: Duration::from_secs(25),
                idle_in_transaction_timeout: Duration::from_secs(30),
                application_name: "commerce-gateway".into(),
            },
            cors_origins: vec!["*".into()],
            idempotency_ttl: DEFAULT_IDEMPOTENCY_TTL,
            idempotency_purge_interval: Duration::from_secs(600),
            auth: AuthConfig::default(),
            jobs: JobsConfig::default(),
            rate_limits: RateLimitConfig::default(),
        }
    }

    /// Reads the JWT settings from `JWT_SECRET` / `JWT_KEY_FILE` / `JWT_PREVIOUS_SECRETS` /
    /// `JWT_ISSUER` / `JWT_AUDIENCE` / `JWT_TTL_SECONDS`.
    pub fn jwt_from_env() -> anyhow::Result<JwtConfig> {
        let mut jwt = JwtConfig::default();
        if let Ok(secret) = std::env::var("JWT_SECRET") {
            if !secret.is_empty() {
                jwt.secret = Some(secret);
            }
        }
        if jwt.secret.is_none() {
            if let Ok(path) = std::env::var("JWT_KEY_FILE") {
                let secret = std::fs::read_to_string(&path)
                    .map_err(|e| anyhow::anyhow!("cannot read JWT_KEY_FILE {path}: {e}"))?;
                jwt.secret = Some(secret.trim().to_owned());
            }
        }
        if let Some(secret) = &jwt.secret {
            anyhow::ensure!(
                secret.len() >= 32,
                "the JWT secret must be at least 32 bytes long"
            );
        }
        if let Ok(list) = std::env::var("JWT_PREVIOUS_SECRETS") {
            jwt.previous_secrets = list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
        }
        if let Ok(v) = std::env::var("JWT_ISSUER") {
            jwt.issuer = v;
        }
        if let Ok(v) = std::env::var("JWT_AUDIENCE") {
            jwt.audience = v;
        }
        if let Ok(v) = std::env::var("JWT_TTL_SECONDS") {
            let secs: u64 = v
                .parse()
                .map_err(|_| anyhow::anyhow!("JWT_TTL_SECONDS must be a number of seconds"))?;
            jwt.ttl = Duration::from_secs(secs.clamp(60, 86_400));
        }
        Ok(jwt)
    }
}

/// A Redis URL without its password, for logs.
pub fn redis_url_for_logs(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "<unparseable redis url>".into(),
    }
}

/// The URL without its password, for logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "<unparseable database url>".into(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("database_url", &redact_url(&self.database_url))
            .field("data_dir", &self.data_dir)
            .field("pool_size", &self.pool_size)
            .field("jwt_secret", &self.jwt.secret.as_ref().map(|_| "***"))
            .field("jwt_issuer", &self.jwt.issuer)
            .field("request_timeout", &self.request_timeout)
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("document_limits", &self.document_limits)
            .field("session", &self.session)
            .field("cors_origins", &self.cors_origins)
            .field("idempotency_ttl", &self.idempotency_ttl)
            .field("auth", &self.auth)
            .field("jobs", &self.jobs)
            .field("rate_limits", &self.rate_limits)
            .finish()
    }
}
