//! Planner statistics during bulk imports. A CRM job that loads 100,000 customers into a young
//! table makes its statistics stale within seconds, long before autovacuum's next visit (a
//! minute by default): the planner then believes the merchant has a few hundred rows and turns
//! the 1,000-key email lookup of the next batch into a scan of every customer (measured: 3 ms
//! became 170 ms per batch). Bulk mutations report the rows they wrote ([`wrote`]); once a
//! table received more than 1,000 rows and a fifth of its analyzed size from this process,
//! it is analyzed in the background: at most one ANALYZE per table at a time, never inside a
//! request's transaction, and on an uncounted connection (it is no request's cost).
//!
//! Counted in the process, per pool, rather than read from
//! `pg_stat_user_tables.n_mod_since_analyze`, which a backend publishes up to seconds after its
//! commit.

use std::collections::HashMap;
use std::sync::Mutex;

use diesel::sql_types::{Double, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use super::Db;

/// Rows below which a table is never re-analyzed early.
const MIN_ROWS: u64 = 1000;

#[derive(Default)]
struct Table {
    /// Rows written since this process last analyzed the table.
    written: u64,
    analyzing: bool,
}

/// Rows written per table through one pool ([`Db`] owns it: each database is counted
/// apart, and two gateways in one process never share counts).
#[derive(Default)]
pub(super) struct Writes(Mutex<HashMap<&'static str, Table>>);

#[derive(QueryableByName)]
struct Size {
    #[diesel(sql_type = Double)]
    rows: f64,
}

/// The row count the planner works with (0 when the table was never analyzed).
async fn analyzed_rows(conn: &mut AsyncPgConnection, table: &str) -> crate::error::Result<f64> {
    let rows: Vec<Size> = diesel::sql_query(
        "SELECT greatest(c.reltuples, 0)::float8 AS rows FROM pg_class c \
         WHERE c.oid = to_regclass(quote_ident($1))",
    )
    .bind::<Text, _>(table)
    .load(conn)
    .await?;
    Ok(rows.iter().map(|r| r.rows).next().unwrap_or(0.0))
}

/// Records that a bulk write put about `rows` rows into `table` (one of ours, a fixed name),
/// and analyzes the table in the background when that made its statistics stale.
pub fn wrote(db: &Db, table: &'static str, rows: u64) {
    let written = {
        let Ok(mut tables) = db.writes.0.lock() else {
            return;
        };
        let t = tables.entry(table).or_default();
        t.written += rows;
        if t.written <= MIN_ROWS || t.analyzing {
            return;
        }
        t.analyzing = true;
        t.written
    };
    let db = db.clone();
    tokio::spawn(async move {
        let outcome = db
            .uncounted(async |conn| {
                let size = analyzed_rows(conn, table).await?;
                if written as f64 > MIN_ROWS as f64 + 0.2 * size {
                    conn.batch_execute(&format!("ANALYZE {table}")).await?;
                    tracing::info!(
                        table,
                        written,
                        "refreshed planner statistics after bulk writes"
                    );
                    return Ok(true);
                }
                Ok(false)
            })
            .await;
        if let Err(e) = &outcome {
            tracing::warn!(table, error = %e, "refreshing planner statistics failed");
        }
        if let Ok(mut tables) = db.writes.0.lock() {
            let t = tables.entry(table).or_default();
            t.analyzing = false;
            if matches!(outcome, Ok(true)) {
                t.written = t.written.saturating_sub(written);
            }
        }
    });
}
