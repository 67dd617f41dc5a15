//! Database access: the connection pool, database creation, migrations and the embedded-cluster
//! fallback. `schema.rs` is generated from the migrations (`scripts/print-schema.py`).

pub mod embedded;
pub mod savepoint;
pub mod schema;
pub mod sql;
pub mod stats;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Context;
use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use futures_util::FutureExt;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub type Conn = Object<AsyncPgConnection>;

/// The pool plus counters of every SQL statement its connections have sent and of the
/// statements they prepared to keep. The counters are what `/metrics` reports and what the
/// query-count tests read to prove there is no N+1 (and that hot statements stay prepared).
#[derive(Clone)]
pub struct Db {
    pool: Pool<AsyncPgConnection>,
    counters: Arc<Counters>,
}

#[derive(Default)]
struct Counters {
    statements: AtomicU64,
    prepared: AtomicU64,
}

struct CountStatements(Arc<Counters>);

impl Instrumentation for CountStatements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => {
                self.0.statements.fetch_add(1, Ordering::Relaxed);
            }
            InstrumentationEvent::CacheQuery { .. } => {
                self.0.prepared.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }
}

struct Uncounted;

impl Instrumentation for Uncounted {
    fn on_connection_event(&mut self, _: InstrumentationEvent<'_>) {}
}

impl Db {
    pub fn connect(url: &str, size: usize) -> anyhow::Result<Self> {
        let counters = Arc::new(Counters::default());
        let counter = counters.clone();
        let mut config = ManagerConfig::<AsyncPgConnection>::default();
        // `Verified` would send a `SELECT 1` on every checkout; a broken connection surfaces
        // as an error on first use instead, which maps to 503.
        config.recycling_method = diesel_async::pooled_connection::RecyclingMethod::Fast;
        config.custom_setup = Box::new(move |url| {
            let counter = counter.clone();
            async move {
                let mut conn = AsyncPgConnection::establish(url).await?;
                conn.set_instrumentation(CountStatements(counter));
                Ok(conn)
            }
            .boxed()
        });
        let manager = AsyncDieselConnectionManager::new_with_config(url, config);
        let pool = Pool::builder(manager)
            .max_size(size)
            .wait_timeout(Some(std::time::Duration::from_secs(10)))
            .create_timeout(Some(std::time::Duration::from_secs(5)))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .context("building the connection pool")?;
        Ok(Self { pool, counters })
    }

    pub async fn conn(&self) -> crate::error::Result<Conn> {
        Ok(self.pool.get().await?)
    }

    /// Identifies this pool (and so its database) within the process.
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.counters) as usize
    }

    /// Runs `work` on a pooled connection whose statements are not counted: housekeeping the
    /// gateway does in the background (see [`stats`]) is not part of any request's cost.
    pub async fn uncounted<T>(
        &self,
        work: impl AsyncFnOnce(&mut AsyncPgConnection) -> crate::error::Result<T>,
    ) -> crate::error::Result<T> {
        let mut conn = self.conn().await?;
        conn.set_instrumentation(Uncounted);
        let result = work(&mut conn).await;
        conn.set_instrumentation(CountStatements(self.counters.clone()));
        result
    }

    /// SQL statements sent since start.
    pub fn statements(&self) -> u64 {
        AtomicU64::load(&self.counters.statements, Ordering::Relaxed)
    }

    /// Statements prepared to be kept by a connection since start (see `Sql::cached`): it stops
    /// growing once every connection has seen the hot queries.
    pub fn prepared_statements(&self) -> u64 {
        AtomicU64::load(&self.counters.prepared, Ordering::Relaxed)
    }

    pub fn pool_status(&self) -> (usize, usize) {
        let s = self.pool.status();
        (s.size, s.available)
    }

    /// Readiness: a round trip to the database.
    pub async fn ping(&self) -> crate::error::Result<()> {
        let mut conn = self.conn().await?;
        diesel::sql_query("SELECT 1").execute(&mut conn).await?;
        Ok(())
    }
}

/// Splits a database URL into (URL of the `postgres` maintenance database, database name).
fn maintenance_url(url: &str) -> anyhow::Result<(String, String)> {
    let mut u = url::Url::parse(url).context("DATABASE_URL is not a valid URL")?;
    let name = u.path().trim_start_matches('/').to_owned();
    anyhow::ensure!(!name.is_empty(), "DATABASE_URL must name a database");
    u.set_path("/postgres");
    Ok((u.to_string(), name))
}

/// Creates the database named by `url` when it does not exist yet.
pub async fn ensure_database(url: &str) -> anyhow::Result<()> {
    let (admin_url, name) = maintenance_url(url)?;
    let mut conn = AsyncPgConnection::establish(&admin_url)
        .await
        .with_context(|| format!("connecting to {}", crate::config::redact_url(&admin_url)))?;
    let exists: Vec<i32> = diesel::sql_query("SELECT 1 AS one FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(&name)
        .load::<One>(&mut conn)
        .await?
        .into_iter()
        .map(|o| o.one)
        .collect();
    if exists.is_empty() {
        let quoted = name.replace('"', "\"\"");
        match conn
            .batch_execute(&format!("CREATE DATABASE \"{quoted}\""))
            .await
        {
            Ok(()) => tracing::info!(database = %name, "created database"),
            // Another node created it between our check and our CREATE.
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {}
            Err(e) if e.to_string().contains("already exists") => {}
            Err(e) => return Err(e).context("creating the database"),
        }
    }
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct One {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    one: i32,
}

/// Applies pending migrations. Safe to run from several nodes at once: they serialize on an
/// advisory lock. Needs a multi-thread Tokio runtime (the harness uses `block_in_place`).
pub async fn run_migrations(url: &str) -> anyhow::Result<Vec<String>> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .context("connecting to run migrations")?;
    conn.batch_execute("SELECT pg_advisory_lock(727274)")
        .await?;
    let mut harness = diesel_async::AsyncMigrationHarness::new(conn);
    let applied = harness
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("running migrations: {e}"))?
        .into_iter()
        .map(|v| v.to_string())
        .collect();
    // Dropping the connection releases the advisory lock.
    drop(harness.into_inner());
    Ok(applied)
}

/// Makes the database usable: reachable (starting the embedded cluster if needed and possible),
/// created, migrated. Returns the URL to use.
pub async fn prepare(url: &str, data_dir: &std::path::Path) -> anyhow::Result<String> {
    let (admin_url, _) = maintenance_url(url)?;
    if let Err(e) = AsyncPgConnection::establish(&admin_url).await {
        if !embedded::is_connection_refused(&e) {
            return Err(anyhow::anyhow!(
                "cannot connect to {}: {e}",
                crate::config::redact_url(url)
            ));
        }
        embedded::start(url, data_dir).await?;
    }
    ensure_database(url).await?;
    let applied = run_migrations(url).await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied migrations");
    }
    Ok(url.to_owned())
}
