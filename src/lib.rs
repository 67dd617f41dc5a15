//! # commerce-gateway
//!
//! One GraphQL API over a merchant's back office (customers, orders, stores, channels, catalog,
//! pricing, promotions), with REST compatibility routes that translate onto the same resolvers.
//!
//! Data flows one way: HTTP ([`http`]) → auth ([`auth::Principal`]) → GraphQL executor
//! ([`graphql`]) → resolver → domain function ([`domain`]) → SQL ([`db`]). Nothing below
//! `graphql` knows HTTP; nothing in `domain` knows GraphQL.
//!
//! Where to look:
//! - a route: [`http::router`]; the token endpoint: [`auth::token`];
//! - a GraphQL field: `graphql/queries/<aggregate>.rs` (roots) and `graphql/types/` (objects);
//! - SQL: `domain/<aggregate>/` (models next to their queries, big statements in `.sql` files);
//! - the schema of the database: `migrations/` (and the generated `db/schema.rs`).

pub mod app;
pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod keys;
pub mod limits;
pub mod rest;

use axum::Router;

pub use app::AppState;
pub use config::Config;

/// Prepares the database (creating and migrating it), builds the application and starts its
/// background housekeeping (the purge of expired idempotency keys, the upkeep of the request
/// metrics) and, unless `config.jobs` turns it off, the worker of migration batches. Needs a
/// Tokio runtime.
pub async fn build_app(mut config: Config) -> anyhow::Result<(Router, AppState)> {
    let url = db::prepare(&config.database_url, &config.data_dir).await?;
    let db = db::Db::connect(&url, config.pool_size, &config.session)?;
    // Without JWT_SECRET the signing secret (tokens, page cursors) is the one stored in the
    // database, shared by every gateway on it and kept across restarts; never a per-process
    // random key, which would make a token or a cursor fail on another node.
    if config.jwt.secret.is_none() {
        let candidate = auth::secrets::random_token(64);
        let stored = db::secrets::shared_secret(&db, "jwt_signing", candidate)
            .await
            .map_err(|e| anyhow::anyhow!("reading the signing secret from the database: {e}"))?;
        config.jwt.secret = Some(stored);
        tracing::info!("no JWT_SECRET configured: signing with the secret stored in the database");
    }
    let state = AppState::new(config, db)?;
    // Expired idempotency keys are deleted in the background (they stop being honoured at
    // expiry whether or not this has run yet).
    domain::idempotency::spawn_purge(
        state.db.clone(),
        state.config.idempotency_ttl,
        state.config.idempotency_purge_interval,
    );
    // Latencies recorded between two scrapes are folded into the histograms in the background.
    http::metrics::Metrics::spawn_upkeep(&state.metrics);
    // Queued migration batches are claimed and run in the background (several gateways may
    // run this worker: a batch is never run twice).
    if state.config.jobs.enabled {
        let jobs = &state.config.jobs;
        let mut opts = domain::migrations::jobs::JobOptions::unique();
        opts.chunk_rows = jobs.chunk_rows;
        opts.stale_after = jobs.stale_after;
        let wake = state
            .schema
            .data::<domain::migrations::jobs::Wake>()
            .cloned()
            .unwrap_or_default();
        domain::migrations::jobs::spawn(state.db.clone(), opts, jobs.poll_interval, wake);
    }
    Ok((http::router(state.clone()), state))
}
