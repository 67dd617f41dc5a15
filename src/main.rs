//! The `commerce-gateway` command line. Subcommands a script reads print JSON on stdout; logs go
//! to stderr.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use commerce_gateway::auth::{credentials, ScopeSet};
use commerce_gateway::config::{Config, DEFAULT_DATABASE_URL};
use commerce_gateway::domain::{merchants, seed};
use commerce_gateway::{build_app, db};
use diesel_async::{AsyncConnection, AsyncPgConnection};

#[derive(Parser)]
#[command(
    name = "commerce-gateway",
    version,
    about = "One GraphQL API over a merchant's commerce back office"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// PostgreSQL URL; the database is created when missing.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
    /// Where the embedded PostgreSQL cluster lives when no server is reachable.
    #[arg(long, env = "DATA_DIR", default_value = ".data")]
    data_dir: PathBuf,
}

/// Timeouts and limits of `serve` (defaults in `Config::new`).
#[derive(Args, Clone)]
struct LimitArgs {
    /// Seconds a request may take before it is answered 408 (and its statement cancelled).
    #[arg(long, env = "REQUEST_TIMEOUT_SECONDS")]
    request_timeout_seconds: Option<u64>,
    /// PostgreSQL `statement_timeout` of every pooled connection, in milliseconds.
    #[arg(long, env = "DATABASE_STATEMENT_TIMEOUT_MS")]
    statement_timeout_ms: Option<u64>,
    /// PostgreSQL `idle_in_transaction_session_timeout`, in milliseconds.
    #[arg(long, env = "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS")]
    idle_in_transaction_timeout_ms: Option<u64>,
    /// PostgreSQL `application_name` of the pooled connections.
    #[arg(long, env = "DATABASE_APPLICATION_NAME")]
    application_name: Option<String>,
    /// Largest request body, in bytes.
    #[arg(long, env = "BODY_LIMIT_BYTES")]
    body_limit_bytes: Option<usize>,
    /// Comma-separated origins allowed by CORS (`*`: any).
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    cors_origins: Option<Vec<String>>,
    /// Spark Pay calls per window and client (`X-AC-Call-Limit`; installed applications share
    /// their store's; 0: no limit).
    #[arg(long, env = "SPARKPAY_CALL_LIMIT")]
    sparkpay_call_limit: Option<u32>,
    /// The window of the Spark Pay call limit, in seconds.
    #[arg(long, env = "SPARKPAY_CALL_WINDOW_SECONDS")]
    sparkpay_call_window_seconds: Option<u64>,
    /// Largest calculated cost of one operation (GraphQL or REST).
    #[arg(long, env = "MAX_QUERY_COST")]
    max_query_cost: Option<u64>,
    /// Points each credential's query cost bucket holds (0: no bucket).
    #[arg(long, env = "COST_BUCKET_SIZE")]
    cost_bucket_size: Option<u64>,
    /// Points a second a cost bucket restores.
    #[arg(long, env = "COST_RESTORE_RATE")]
    cost_restore_rate: Option<u64>,
    /// Redis shared by the gateways for call and cost limits (`redis://127.0.0.1:6379`);
    /// without it each gateway counts in-process.
    #[arg(long, env = "REDIS_URL")]
    redis_url: Option<String>,
    /// Prefix of the gateway's Redis keys.
    #[arg(long, env = "REDIS_KEY_PREFIX")]
    redis_key_prefix: Option<String>,
}

impl LimitArgs {
    fn apply(self, config: &mut Config) {
        use std::time::Duration;
        if let Some(s) = self.request_timeout_seconds {
            config.request_timeout = Duration::from_secs(s.max(1));
        }
        if let Some(ms) = self.statement_timeout_ms {
            config.session.statement_timeout = Duration::from_millis(ms);
        }
        if let Some(ms) = self.idle_in_transaction_timeout_ms {
            config.session.idle_in_transaction_timeout = Duration::from_millis(ms);
        }
        if let Some(name) = self.application_name {
            config.session.application_name = name;
        }
        if let Some(bytes) = self.body_limit_bytes {
            config.body_limit_bytes = bytes;
        }
        if let Some(origins) = self.cors_origins {
            config.cors_origins = origins
                .into_iter()
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect();
        }
        if let Some(calls) = self.sparkpay_call_limit {
            config.rate_limits.sparkpay_calls = calls;
        }
        if let Some(s) = self.sparkpay_call_window_seconds {
            config.rate_limits.sparkpay_window = Duration::from_secs(s.max(1));
        }
        if let Some(max) = self.max_query_cost {
            config.rate_limits.max_query_cost = max;
        }
        if let Some(size) = self.cost_bucket_size {
            config.rate_limits.cost_bucket_size = size;
        }
        if let Some(rate) = self.cost_restore_rate {
            config.rate_limits.cost_restore_rate = rate.max(1);
        }
        config.rate_limits.redis_url = self.redis_url.filter(|u| !u.is_empty());
        if let Some(prefix) = self.redis_key_prefix {
            config.rate_limits.redis_prefix = prefix;
        }
    }
}

// Parsed once at start-up: the size of the `Serve` variant (its flattened option groups) costs
// nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (creates and migrates the database first).
    Serve {
        #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        #[command(flatten)]
        db: DbArgs,
        /// Load the deterministic demo merchant and print working credentials (a new client
        /// and API key; those of the previous start are revoked) with commands to try.
        #[arg(long)]
        demo: bool,
        /// With `--demo`: print the credentials as one JSON object (for scripts).
        #[arg(long, requires = "demo")]
        json: bool,
        /// Connections in the pool.
        #[arg(long, env = "DATABASE_POOL_SIZE", default_value_t = 16)]
        pool_size: usize,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        hardening: HardeningArgs,
    },
    /// Create the database if needed and apply pending migrations.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Load deterministic demo data (re-running tops up, never duplicates).
    Seed {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value = "demo")]
        merchant: String,
        #[arg(long, default_value_t = 500)]
        customers: i64,
        #[arg(long, default_value_t = 2000)]
        orders: i64,
    },
    /// Print the GraphQL SDL.
    Schema,
    /// Print the GraphQL request (`{"query","variables"}` JSON) that a REST list route runs,
    /// e.g. `rest-operation '/api/v3/admin/orders?limit=50&expand=items'`.
    RestOperation {
        /// The route's path and query string.
        path: String,
    },
    /// OAuth 2.0 API clients (client credentials).
    Clients {
        #[command(subcommand)]
        action: CredentialAction,
    },
    /// Secret API keys (`sk_…`) for header authentication.
    ApiKeys {
        #[command(subcommand)]
        action: CredentialAction,
    },
}

/// Credential checks and idempotency keys (defaults in `Config::new`).
#[derive(Args, Clone)]
struct HardeningArgs {
    /// Seconds a node trusts its last answer to "is this API client revoked?": a revoked
    /// client's tokens are refused on every node at most this long after `clients revoke`.
    #[arg(long, env = "AUTH_REVOCATION_CACHE_SECONDS", default_value_t = 3)]
    revocation_cache_seconds: u64,
    /// Failed credential attempts allowed per client id (or API key prefix) per window (0: off).
    #[arg(long, env = "AUTH_FAILURES_PER_CLIENT", default_value_t = 10)]
    auth_failures_per_client: u32,
    /// Failed credential attempts allowed per source address per window (0: off; behind a
    /// reverse proxy every request has the proxy's address).
    #[arg(long, env = "AUTH_FAILURES_PER_ADDRESS", default_value_t = 30)]
    auth_failures_per_address: u32,
    /// The window of the failed-attempt limits, in seconds.
    #[arg(long, env = "AUTH_FAILURE_WINDOW_SECONDS", default_value_t = 60)]
    auth_failure_window_seconds: u64,
    /// Seconds an idempotency key is honoured; older keys are ignored and purged.
    #[arg(long, env = "IDEMPOTENCY_KEY_TTL_SECONDS", default_value_t = 86_400)]
    idempotency_key_ttl_seconds: u64,
    /// Seconds between two background purges of expired idempotency keys.
    #[arg(
        long,
        env = "IDEMPOTENCY_PURGE_INTERVAL_SECONDS",
        default_value_t = 600
    )]
    idempotency_purge_interval_seconds: u64,
}

impl HardeningArgs {
    fn apply(&self, config: &mut Config) {
        use std::time::Duration;
        config.auth.revocation_cache_ttl = Duration::from_secs(self.revocation_cache_seconds);
        config.auth.failures_per_client = self.auth_failures_per_client;
        config.auth.failures_per_address = self.auth_failures_per_address;
        config.auth.failure_window = Duration::from_secs(self.auth_failure_window_seconds.max(1));
        config.idempotency_ttl = Duration::from_secs(self.idempotency_key_ttl_seconds.max(1));
        config.idempotency_purge_interval =
            Duration::from_secs(self.idempotency_purge_interval_seconds.max(1));
    }
}

#[derive(Subcommand)]
enum CredentialAction {
    /// Create a credential; prints it once as JSON.
    Create {
        #[command(flatten)]
        db: DbArgs,
        /// Merchant slug (created on first mention).
        #[arg(long)]
        merchant: String,
        /// Comma-separated scopes, canonical (`customers:read`) or Spree (`read_customers`).
        #[arg(long)]
        scopes: String,
        #[arg(long, default_value = "")]
        name: String,
        /// An installed application's credential: it shares its store's Spark Pay call limit
        /// with the store's other installed applications (a custom one has its own).
        #[arg(long)]
        installed: bool,
    },
    /// Revoke a credential (client_id, or API key / its prefix).
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        merchant: String,
        /// The client_id, or the API key or its first 10 characters.
        id: String,
    },
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn connect(args: &DbArgs) -> anyhow::Result<AsyncPgConnection> {
    let url = db::prepare(&args.database_url, &args.data_dir).await?;
    AsyncPgConnection::establish(&url)
        .await
        .context("connecting to the database")
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

async fn credentials_command(action: CredentialAction, api_keys: bool) -> anyhow::Result<()> {
    match action {
        CredentialAction::Create {
            db,
            merchant,
            scopes,
            name,
            installed,
        } => {
            let scopes = ScopeSet::parse(&scopes).map_err(anyhow::Error::msg)?;
            anyhow::ensure!(!scopes.is_empty(), "--scopes must name at least one scope");
            let mut conn = connect(&db).await?;
            let m = merchants::find_or_create(&mut conn, &merchant).await?;
            if api_keys {
                print_json(
                    &credentials::create_api_key(
                        &mut conn, m.id, &m.slug, &name, &scopes, installed,
                    )
                    .await?,
                )
            } else {
                print_json(
                    &credentials::create_client(
                        &mut conn, m.id, &m.slug, &name, &scopes, installed,
                    )
                    .await?,
                )
            }
        }
        CredentialAction::Revoke { db, merchant, id } => {
            let mut conn = connect(&db).await?;
            let m = merchants::find_by_slug(&mut conn, &merchant).await?;
            let revoked = if api_keys {
                credentials::revoke_api_key(&mut conn, m.id, &id).await?
            } else {
                credentials::revoke_client(&mut conn, m.id, &id).await?
            };
            print_json(&serde_json::json!({ "revoked": revoked }))?;
            anyhow::ensure!(
                revoked,
                "no active credential `{id}` for merchant `{merchant}`"
            );
            Ok(())
        }
    }
}

/// `demo`: load the demo merchant and print credentials, as JSON when `Some(true)`.
async fn serve(
    bind: SocketAddr,
    db: DbArgs,
    demo: Option<bool>,
    pool_size: usize,
    limits: LimitArgs,
    hardening: HardeningArgs,
) -> anyhow::Result<()> {
    let mut config = Config::new(db.database_url.clone());
    config.bind = bind;
    config.data_dir = db.data_dir.clone();
    config.pool_size = pool_size;
    limits.apply(&mut config);
    hardening.apply(&mut config);
    config.jwt = Config::jwt_from_env()?;
    tracing::info!(?config, "starting");
    let (app, _state) = build_app(config).await?;
    // Bound before the demo prints its commands, so they name the real port (`--bind :0`).
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("binding {bind}"))?;
    let address = listener.local_addr()?;
    if let Some(json) = demo {
        demo_credentials(&db, address, json).await?;
    }
    tracing::info!(address = %address, "listening");
    // With the peer's address in every request: failed credentials are throttled per address.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Seeds the demo merchant, replaces its demo credentials and prints them with a GraphQL and
/// a REST command that work as printed (human text, or one JSON object with `json`).
async fn demo_credentials(db: &DbArgs, address: SocketAddr, json: bool) -> anyhow::Result<()> {
    let mut conn = connect(db).await?;
    let opts = seed::SeedOptions {
        merchant: "demo".into(),
        customers: 500,
        orders: 2000,
    };
    let summary = seed::run(&mut conn, &opts).await?;
    let m = merchants::find_by_slug(&mut conn, "demo").await?;
    let all = ScopeSet::parse(
        &commerce_gateway::auth::Scope::ALL
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(","),
    )
    .map_err(anyhow::Error::msg)?;
    // Secrets are stored hashed, so the previous start's cannot be printed again: revoke them
    // rather than leave one more full-access credential valid per start.
    let revoked = credentials::revoke_named(&mut conn, m.id, "demo").await?;
    let client = credentials::create_client(&mut conn, m.id, &m.slug, "demo", &all, false).await?;
    let key = credentials::create_api_key(&mut conn, m.id, &m.slug, "demo", &all, false).await?;
    let base = format!("http://{address}");
    let try_graphql = format!(
        "curl -s {base}/graphql -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' \
         -d '{{\"query\":\"{{ orders(first: 5) {{ totalCount nodes {{ number total customer {{ email }} }} }} }}\"}}'",
        key.key
    );
    let try_rest = format!(
        "curl -s '{base}/api/v3/admin/orders?limit=2&expand=items' -H 'x-spree-api-key: {}'",
        key.key
    );
    if json {
        return print_json(&serde_json::json!({
            "demo": summary,
            "graphql": format!("{base}/graphql"),
            "graphiql": format!("{base}/graphql#token={}", key.key),
            "dashboard": format!("{base}/dashboard#token={}", key.key),
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "api_key": key.key,
            "revoked_previous": revoked,
            "try": try_graphql,
            "try_rest": try_rest,
        }));
    }
    println!(
        "Demo merchant `demo`: {} customers, {} orders, {} products ({} ms).\n\
         \n\
         GraphQL      {base}/graphql\n\
         GraphiQL     {base}/graphql#token={key}  (open in a browser)\n\
         Dashboard    {base}/dashboard#token={key}\n\
         Spree REST   {base}/api/v3/admin  (OpenAPI: {base}/openapi.json)\n\
         API key      {key}\n\
         OAuth client {id} / {secret}  (POST {base}/oauth/token, grant_type=client_credentials)\n\
         {revoked_note}\n\
         Try:\n\
         {try_graphql}\n\
         {try_rest}\n",
        summary.customers,
        summary.orders,
        summary.products,
        summary.elapsed_ms,
        key = key.key,
        id = client.client_id,
        secret = client.client_secret,
        revoked_note = if revoked > 0 {
            format!("(the {revoked} demo credentials of earlier starts are revoked)\n")
        } else {
            String::new()
        },
    );
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: draining in-flight requests");
}

/// mimalloc: a request allocates many small, short-lived objects (AST nodes, JSON values,
/// rows), and glibc's malloc/free were about a tenth of the server's CPU under load.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Schema | Command::RestOperation { .. }) {
        init_tracing();
    }
    match cli.command {
        Command::Serve {
            bind,
            db,
            demo,
            json,
            pool_size,
            limits,
            hardening,
        } => serve(bind, db, demo.then_some(json), pool_size, limits, hardening).await,
        Command::Migrate { db } => {
            db::prepare(&db.database_url, &db.data_dir).await?;
            print_json(&serde_json::json!({ "migrated": true }))
        }
        Command::Seed {
            db,
            merchant,
            customers,
            orders,
        } => {
            anyhow::ensure!(
                customers >= 0 && orders >= 0,
                "--customers and --orders must not be negative"
            );
            let mut conn = connect(&db).await?;
            let summary = seed::run(
                &mut conn,
                &seed::SeedOptions {
                    merchant,
                    customers,
                    orders,
                },
            )
            .await?;
            print_json(&summary)
        }
        Command::Schema => {
            print!("{}", commerce_gateway::graphql::sdl());
            Ok(())
        }
        Command::RestOperation { path } => {
            let request =
                commerce_gateway::rest::list_request(&path).map_err(anyhow::Error::msg)?;
            println!("{request}");
            Ok(())
        }
        Command::Clients { action } => credentials_command(action, false).await,
        Command::ApiKeys { action } => credentials_command(action, true).await,
    }
}
