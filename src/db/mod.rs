//! Database access: the connection pool, database creation, migrations and the embedded-cluster
//! fallback. `schema.rs` is `diesel print-schema` of the migrations (`scripts/check-db-schema.sh`).

pub mod embedded;
pub mod savepoint;
pub mod schema;
pub mod secrets;
pub mod sql;
pub mod stats;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Context;
use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use diesel_async::{
    AnsiTransactionManager, AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection,
    TransactionManager,
};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use futures_util::FutureExt;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A pooled connection. Derefs to the diesel connection; see [`Conn`]'s `Drop` for why it is
/// more than deadpool's object.
pub struct Conn {
    inner: Object<AsyncPgConnection>,
    in_flight: Arc<AtomicBool>,
}

impl std::ops::Deref for Conn {
    type Target = AsyncPgConnection;
    fn deref(&self) -> &AsyncPgConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut AsyncPgConnection {
        &mut self.inner
    }
}

impl Drop for Conn {
    /// A connection released while a statement is still running was given up by a request that
    /// timed out or whose client went away: dropping the future does not stop PostgreSQL. So
    /// the connection is marked broken (the pool discards it at the next checkout instead of
    /// handing it to another request) and the server is asked to cancel the statement (the
    /// protocol's cancel request, on a separate connection). The cancel is repeated after a
    /// moment in case the statement only reached the server after the first one; as nobody
    /// else uses this connection, a repeat can only stop the abandoned statement.
    fn drop(&mut self) {
        if !AtomicBool::load(&self.in_flight, Ordering::Acquire) {
            return;
        }
        let conn: &mut AsyncPgConnection = &mut self.inner;
        AnsiTransactionManager::transaction_manager_status_mut(conn).set_in_error();
        let token = self.inner.cancel_token();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            for wait_ms in [0u64, 250, 1_000] {
                tokio::time::sleep(std::time::Duration::from_millis(wait_ms)).await;
                if let Err(e) = token.cancel_query(tokio_postgres::NoTls).await {
                    tracing::warn!(error = %e, "cancelling an abandoned statement failed");
                    return;
                }
            }
            tracing::warn!("cancelled the statement of an abandoned request");
        });
    }
}

/// Settings of every pooled connection's session.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// `statement_timeout`: PostgreSQL stops a statement running longer.
    pub statement_timeout: std::time::Duration,
    /// `idle_in_transaction_session_timeout`: a session idle inside a transaction this long is
    /// closed, releasing its locks.
    pub idle_in_transaction_timeout: std::time::Duration,
    /// `application_name`, shown in `pg_stat_activity`.
    pub application_name: String,
}

impl SessionSettings {
    fn sql(&self) -> String {
        let name: String = self
            .application_name
            .chars()
            .filter(|c| c.is_ascii_graphic() || *c == ' ')
            .take(63)
            .collect::<String>()
            .replace('\'', "''");
        format!(
            "SET statement_timeout = {}; SET idle_in_transaction_session_timeout = {}; \
             SET application_name = '{name}'",
            self.statement_timeout.as_millis(),
            self.idle_in_transaction_timeout.as_millis(),
        )
    }
}

/// The pool plus counters of every SQL statement its connections have sent and of the
/// statements they prepared to keep. The counters are what `/metrics` reports and what the
/// query-count tests read to prove there is no N+1 (and that hot statements stay prepared).
#[derive(Clone)]
pub struct Db {
    pool: Pool<AsyncPgConnection>,
    counters: Arc<Counters>,
    /// Rows bulk writes put into each table, for [`stats::wrote`].
    writes: Arc<stats::Writes>,
}

#[derive(Default)]
struct Counters {
    statements: AtomicU64,
    prepared: AtomicU64,
}

/// Counts statements into the pool's counters and marks a statement in flight between its
/// start and its end (see [`Conn`]'s `Drop`).
struct CountStatements {
    counters: Arc<Counters>,
    in_flight: Arc<AtomicBool>,
}

impl Instrumentation for CountStatements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => {
                self.counters.statements.fetch_add(1, Ordering::Relaxed);
                self.in_flight.store(true, Ordering::Release);
            }
            InstrumentationEvent::FinishQuery { .. } => {
                self.in_flight.store(false, Ordering::Release);
            }
            InstrumentationEvent::CacheQuery { .. } => {
                self.counters.prepared.fetch_add(1, Ordering::Relaxed);
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
    pub fn connect(url: &str, size: usize, session: &SessionSettings) -> anyhow::Result<Self> {
        let counters = Arc::new(Counters::default());
        let setup = session.sql();
        let mut config = ManagerConfig::<AsyncPgConnection>::default();
        // `Verified` would send a `SELECT 1` on every checkout; a broken connection surfaces
        // as an error on first use instead, which maps to 503.
        config.recycling_method = diesel_async::pooled_connection::RecyclingMethod::Fast;
        config.custom_setup = Box::new(move |url| {
            let setup = setup.clone();
            async move {
                let mut conn = AsyncPgConnection::establish(url).await?;
                conn.batch_execute(&setup)
                    .await
                    .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
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
        Ok(Self {
            pool,
            counters,
            writes: Default::default(),
        })
    }

    pub async fn conn(&self) -> crate::error::Result<Conn> {
        let mut inner = self.pool.get().await?;
        let in_flight = Arc::new(AtomicBool::new(false));
        inner.set_instrumentation(CountStatements {
            counters: self.counters.clone(),
            in_flight: in_flight.clone(),
        });
        Ok(Conn { inner, in_flight })
    }

    /// Runs `work` on a pooled connection whose statements are not counted: housekeeping the
    /// gateway does in the background (see [`stats`]) is not part of any request's cost.
    pub async fn uncounted<T>(
        &self,
        work: impl AsyncFnOnce(&mut AsyncPgConnection) -> crate::error::Result<T>,
    ) -> crate::error::Result<T> {
        let mut conn = self.conn().await?;
        conn.set_instrumentation(Uncounted);
        work(&mut conn).await
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
