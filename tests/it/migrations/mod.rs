//! Legacy migrations (issue 13): customers and orders imported by legacy id, idempotent
//! re-sends, per-row errors, background jobs (claiming, progress, crashes) and the exact revert.

use crate::common::{self, TestApp};
use commerce_gateway::domain::migrations::jobs::JobOptions;
use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{json, Value};

mod customers;
mod jobs;
mod orders;
mod revert;

/// What the import tests hold: migrations plus reading what they wrote.
pub(crate) const MIG: &str =
    "migrations:write,customers:read,customers:write,orders:read,catalog:read";

const IMPORT_CUSTOMERS: &str = "mutation($rows: [MigrationCustomerInput!]!, $policy: ErrorPolicy, $source: String, $key: String) {
  migrationCustomersImport(rows: $rows, errorPolicy: $policy, source: $source, idempotencyKey: $key) {
    batch { id kind status totalRows processedRows createdRows updatedRows unchangedRows errorCount
            rows(only: FAILED) { index externalId action userErrors { field code } } }
    userErrors { field code message } } }";

const IMPORT_ORDERS: &str = "mutation($rows: [MigrationOrderInput!]!, $policy: ErrorPolicy) {
  migrationOrdersImport(rows: $rows, errorPolicy: $policy) {
    batch { id kind status totalRows processedRows createdRows updatedRows unchangedRows errorCount }
    userErrors { field code message } } }";

const BATCH: &str = "query($id: ID!) { migrationBatch(id: $id) {
  id kind status totalRows processedRows createdRows updatedRows unchangedRows errorCount
  revertedRows conflictCount error attempts startedAt finishedAt revertedAt } }";

const REVERT: &str = "mutation($id: ID!) { migrationRevert(id: $id) {
  batch { id status revertedRows conflictCount
          rows(only: CONFLICTS) { index externalId recordId revert revertReason } }
  userErrors { field code message } } }";

/// A test app whose migration worker is off: the tests drive the jobs.
async fn spawn_quiet() -> TestApp {
    common::spawn_with(|c| c.jobs.enabled = false).await
}

/// `n` customer rows `{prefix}-{i}` from `from`.
pub(crate) fn customer_rows(prefix: &str, from: usize, n: usize) -> Vec<Value> {
    (from..from + n)
        .map(|i| {
            json!({
                "externalId": format!("{prefix}-{i}"),
                "email": format!("{prefix}{i}@legacy.example"),
                "firstName": "Legacy",
                "lastName": format!("Person {i}"),
                "tags": ["legacy"],
                "metadata": { "row": i },
                "createdAt": "2021-03-04T05:06:07Z",
            })
        })
        .collect()
}

pub(crate) async fn import_customers(app: &TestApp, key: &str, rows: Vec<Value>) -> Value {
    app.data(key, IMPORT_CUSTOMERS, json!({ "rows": rows }))
        .await["migrationCustomersImport"]
        .clone()
}

pub(crate) async fn batch(app: &TestApp, key: &str, id: &str) -> Value {
    app.data(key, BATCH, json!({ "id": id })).await["migrationBatch"].clone()
}

async fn revert_batch(app: &TestApp, key: &str, id: &str) -> Value {
    app.data(key, REVERT, json!({ "id": id })).await["migrationRevert"].clone()
}

/// A worker for tests: `chunk` rows a transaction.
fn worker(name: &str, chunk: i64) -> JobOptions {
    let mut o = JobOptions::new(name);
    o.chunk_rows = chunk;
    o
}

#[derive(QueryableByName)]
struct Text {
    #[diesel(sql_type = sql_types::Text)]
    value: String,
}

#[derive(QueryableByName)]
struct Num {
    #[diesel(sql_type = sql_types::BigInt)]
    n: i64,
}

async fn merchant_id(conn: &mut AsyncPgConnection, slug: &str) -> i64 {
    diesel::sql_query("SELECT id AS n FROM merchants WHERE slug = $1")
        .bind::<sql_types::Text, _>(slug)
        .get_result::<Num>(conn)
        .await
        .unwrap()
        .n
}

async fn count(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Num>(conn)
        .await
        .unwrap()
        .n
}

/// One line per table of the merchant, `table: md5 of its rows` (every column), for proving
/// that a revert restores exactly what was there. Left out: the migration journal itself
/// (batches and rows record that the import and revert happened) and credentials (they record
/// their last use). The rollups' surrogate key is left out of their rows: a rollup is its
/// natural key (a bucket emptied and filled again is the same bucket).
async fn checksum(conn: &mut AsyncPgConnection, merchant: i64) -> String {
    let tables: Vec<Text> = diesel::sql_query(
        "SELECT table_name::text AS value FROM information_schema.columns
         WHERE table_schema = 'public' AND column_name = 'merchant_id'
           AND table_name NOT IN ('migration_batches', 'migration_rows', 'api_clients', 'api_keys')
         ORDER BY table_name",
    )
    .load(conn)
    .await
    .unwrap();
    assert!(tables.len() > 30, "every table of the merchant");
    let mut out = String::new();
    for Text { value: table } in tables {
        let row = if table == "order_daily_rollups" {
            "(to_jsonb(t) - 'id')::text"
        } else {
            "t::text"
        };
        let sql = format!(
            "SELECT count(*)::text || ' ' || md5(coalesce(string_agg({row}, '|' ORDER BY {row}), '')) AS value
             FROM {table} t WHERE merchant_id = $1"
        );
        let sum: Text = diesel::sql_query(sql)
            .bind::<sql_types::BigInt, _>(merchant)
            .get_result(conn)
            .await
            .unwrap();
        out.push_str(&format!("{table}: {}\n", sum.value));
    }
    let m: Text = diesel::sql_query("SELECT md5(m::text) AS value FROM merchants m WHERE id = $1")
        .bind::<sql_types::BigInt, _>(merchant)
        .get_result(conn)
        .await
        .unwrap();
    out.push_str(&format!("merchants: {}\n", m.value));
    out
}
