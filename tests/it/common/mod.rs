//! Test harness: a migrated template database (built once per migration set, under an advisory
//! lock so parallel test processes agree), cloned into a fresh database per test, and the real
//! application served over HTTP on an ephemeral port.
#![allow(dead_code)]

pub mod browser;

use std::net::SocketAddr;
use std::path::Path;

use commerce_gateway::auth::{credentials, ScopeSet};
use commerce_gateway::config::{Config, JwtConfig};
use commerce_gateway::domain::{merchants, seed};
use commerce_gateway::{build_app, AppState};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

fn server_url() -> String {
    std::env::var("TEST_DATABASE_SERVER")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// Hash of every migration file: a new migration means a new template.
fn migrations_hash() -> String {
    fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("migrations dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, files)
            } else {
                files.push(p)
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"),
        &mut files,
    );
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(f.to_string_lossy().as_bytes());
        h.update(std::fs::read(&f).expect("read migration"));
    }
    hex::encode(&h.finalize()[..6])
}

async fn template() -> String {
    let name = format!("cg_template_{}", migrations_hash());
    let mut admin = AsyncPgConnection::establish(&format!("{}/postgres", server_url()))
        .await
        .expect("connect to PostgreSQL");
    admin
        .batch_execute("SELECT pg_advisory_lock(424242)")
        .await
        .expect("lock");
    drop_stale_databases(&mut admin).await;
    let exists = diesel_async::RunQueryDsl::load::<Exists>(
        diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<diesel::sql_types::Text, _>(&name),
        &mut admin,
    )
    .await
    .expect("query pg_database")[0]
        .n
        > 0;
    if !exists {
        let building = format!("{name}_building");
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {building}"))
            .await
            .expect("drop");
        admin
            .batch_execute(&format!("CREATE DATABASE {building}"))
            .await
            .expect("create template");
        commerce_gateway::db::run_migrations(&format!("{}/{building}", server_url()))
            .await
            .expect("migrate template");
        admin
            .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .await
            .expect("rename template");
    }
    admin
        .batch_execute("SELECT pg_advisory_unlock(424242)")
        .await
        .expect("unlock");
    name
}

#[derive(diesel::QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// A connection to the server's maintenance database (to stop and start a test database).
pub async fn admin_conn() -> AsyncPgConnection {
    AsyncPgConnection::establish(&format!("{}/postgres", server_url()))
        .await
        .expect("connect")
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Drops the test databases earlier runs left (a test that panicked before its `TestApp` was
/// dropped, a killed run): those named more than an hour ago, and those of the older naming
/// without a time. Once per process, under the template lock, so no test of this process has
/// created its database yet; a database another process still uses is left alone.
async fn drop_stale_databases(admin: &mut AsyncPgConnection) {
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let names: Vec<Name> = diesel_async::RunQueryDsl::load(
        diesel::sql_query("SELECT datname FROM pg_database WHERE datname LIKE 'cg\\_test\\_%'"),
        admin,
    )
    .await
    .unwrap_or_default();
    let hour_ago = unix_now().saturating_sub(3600);
    for Name { datname } in names {
        let created = datname
            .strip_prefix("cg_test_")
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(secs, _)| secs.parse::<u64>().ok());
        if created.is_none_or(|t| t < hour_ago) {
            let _ = admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{datname}\""))
                .await;
        }
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub db_url: String,
    pub http: reqwest::Client,
}

pub async fn spawn() -> TestApp {
    spawn_with(|_| {}).await
}

/// Like [`spawn`], with the configuration adjusted by `configure` before the app is built.
pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let template = template().await;
    // The creation time in the name lets a later run drop what a killed run left behind.
    let db = format!("cg_test_{}_{}", unix_now(), uuid::Uuid::new_v4().simple());
    let mut admin = AsyncPgConnection::establish(&format!("{}/postgres", server_url()))
        .await
        .expect("connect");
    admin
        .batch_execute(&format!("CREATE DATABASE {db} TEMPLATE {template}"))
        .await
        .expect("clone template");
    let db_url = format!("{}/{db}", server_url());
    let mut config = Config::new(db_url.clone());
    config.pool_size = 8;
    config.jwt = JwtConfig {
        secret: Some(JWT_SECRET.into()),
        ..JwtConfig::default()
    };
    // Tests of other areas send many costly calls with one credential in a second: the cost
    // buckets are on only where a test turns them on (`limits`). The call limit and the
    // maximum cost per operation keep their defaults.
    config.rate_limits.cost_bucket_size = 0;
    configure(&mut config);
    let (router, state) = build_app(config).await.expect("build app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        // As `serve` does: requests carry the peer's address (throttling per address).
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    TestApp {
        addr,
        state,
        db_url,
        http: reqwest::Client::new(),
    }
}

/// A test's database is dropped when its app is (`WITH (FORCE)` closes the app's pooled
/// connections), on a thread of its own (`Drop` cannot await) that the test does not wait
/// for: waiting doubled the suite's time. A drop still running when the process exits is
/// left to the next run's [`drop_stale_databases`].
impl Drop for TestApp {
    fn drop(&mut self) {
        let Some(db) = self.db_url.rsplit('/').next().map(str::to_owned) else {
            return;
        };
        std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if let Ok(mut admin) =
                    AsyncPgConnection::establish(&format!("{}/postgres", server_url())).await
                {
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"))
                        .await;
                }
            });
        });
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn conn(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.db_url)
            .await
            .expect("connect")
    }

    /// A new API key for `merchant` (created if needed) with `scopes`.
    pub async fn api_key(&self, merchant: &str, scopes: &str) -> String {
        let mut conn = self.conn().await;
        let m = merchants::find_or_create(&mut conn, merchant)
            .await
            .expect("merchant");
        let scopes = ScopeSet::parse(scopes).expect("scopes");
        credentials::create_api_key(&mut conn, m.id, &m.slug, "test", &scopes, false)
            .await
            .expect("key")
            .key
    }

    /// A new OAuth client (client_id, client_secret).
    pub async fn client(&self, merchant: &str, scopes: &str) -> (String, String) {
        let mut conn = self.conn().await;
        let m = merchants::find_or_create(&mut conn, merchant)
            .await
            .expect("merchant");
        let scopes = ScopeSet::parse(scopes).expect("scopes");
        let c = credentials::create_client(&mut conn, m.id, &m.slug, "test", &scopes, false)
            .await
            .expect("client");
        (c.client_id, c.client_secret)
    }

    /// A signed JWT for `merchant` (no database lookup on use: statement counts stay exact).
    pub async fn token(&self, merchant: &str, scopes: &str) -> String {
        let (id, secret) = self.client(merchant, scopes).await;
        let res = self
            .http
            .post(self.url("/oauth/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", &secret),
            ])
            .send()
            .await
            .expect("token request");
        let status = res.status();
        let body: Value = res.json().await.expect("json");
        assert_eq!(status, 200, "{body}");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    pub async fn seed(&self, merchant: &str, customers: i64, orders: i64) -> seed::SeedSummary {
        let mut conn = self.conn().await;
        seed::run(
            &mut conn,
            &seed::SeedOptions {
                merchant: merchant.into(),
                customers,
                orders,
            },
        )
        .await
        .expect("seed")
    }

    /// POSTs a GraphQL request with a bearer credential; returns (status, body).
    pub async fn gql_status(
        &self,
        credential: &str,
        query: &str,
        variables: Value,
    ) -> (u16, Value) {
        let res = self
            .http
            .post(self.url("/graphql"))
            .bearer_auth(credential)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("graphql request");
        let status = res.status().as_u16();
        (status, res.json().await.expect("json body"))
    }

    pub async fn gql(&self, credential: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.gql_status(credential, query, variables).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Runs a query that must succeed; returns `data`.
    pub async fn data(&self, credential: &str, query: &str, variables: Value) -> Value {
        let body = self.gql(credential, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    pub fn statements(&self) -> u64 {
        self.state.db.statements()
    }

    pub fn prepared_statements(&self) -> u64 {
        self.state.db.prepared_statements()
    }
}

/// The `extensions.code` of the first error of a GraphQL response.
pub fn error_code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body}"))
        .to_owned()
}

pub fn error_message(body: &Value) -> String {
    body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}
