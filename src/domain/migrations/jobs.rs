//! Background jobs: queued batches (and queued reverts) claimed from `migration_batches` with
//! `FOR UPDATE SKIP LOCKED`, so two gateway processes never run one batch twice, and processed
//! a chunk per transaction. Each chunk first checks, under the batch's row lock, that this
//! worker still holds the batch; a batch whose worker stopped sending heartbeats (it crashed)
//! is claimed again and resumes with its first row not processed yet.
//!
//! [`run_pending`] drives every claimable batch to its end and returns: the gateway's worker
//! task ([`spawn`]) calls it on a timer and when a request queues a batch; tests call it
//! directly.

use std::sync::Arc;
use std::time::Duration;

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, RunQueryDsl, TransactionManager};
use tokio::sync::Notify;

use super::models::{BatchKind, BatchStatus};
use super::process::{self, BatchRef, Chunk};
use super::revert;
use crate::db::sql::{Bind, Sql};
use crate::db::Db;
use crate::error::Result;

/// How a worker runs jobs.
#[derive(Debug, Clone)]
pub struct JobOptions {
    /// This worker's name, recorded on the batches it claims (unique per process).
    pub worker: String,
    /// Rows processed per transaction.
    pub chunk_rows: i64,
    /// A running batch whose heartbeat is older than this is claimed again.
    pub stale_after: Duration,
    /// `statement_timeout` of a job's transactions, instead of the pool's (sized for
    /// requests): the revert of 100,000 rows runs as one transaction of a few statements.
    pub statement_timeout: Duration,
}

impl JobOptions {
    /// A worker named `worker`, 5,000 rows a chunk, claiming batches silent for a minute.
    pub fn new(worker: impl Into<String>) -> Self {
        Self {
            worker: worker.into(),
            chunk_rows: 5_000,
            stale_after: Duration::from_secs(60),
            statement_timeout: Duration::from_secs(600),
        }
    }

    /// A worker with a name unique to this process.
    pub fn unique() -> Self {
        Self::new(format!(
            "gateway-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ))
    }
}

/// A batch this worker holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claimed {
    pub batch: BatchRef,
    /// `Running` (importing) or `Reverting`.
    pub status: BatchStatus,
    /// How many times the batch was claimed, this claim included.
    pub attempts: i32,
}

#[derive(QueryableByName)]
struct ClaimRow {
    #[diesel(sql_type = sql_types::BigInt)]
    merchant_id: i64,
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = sql_types::Text)]
    kind: String,
    #[diesel(sql_type = sql_types::Text)]
    status: String,
    #[diesel(sql_type = sql_types::Integer)]
    attempts: i32,
}

/// Claims the oldest batch waiting for a worker (queued, or reverting, or running with a stale
/// heartbeat), skipping those another worker is claiming at this moment.
pub async fn claim(conn: &mut AsyncPgConnection, opts: &JobOptions) -> Result<Option<Claimed>> {
    let rows: Vec<ClaimRow> = Sql::with_binds(
        "WITH next AS ( \
             SELECT merchant_id, id FROM migration_batches \
             WHERE status IN ('queued', 'running', 'reverting') \
               AND (heartbeat_at IS NULL OR heartbeat_at < now() - $1 * interval '1 millisecond') \
             ORDER BY created_at, merchant_id, id \
             LIMIT 1 \
             FOR UPDATE SKIP LOCKED) \
         UPDATE migration_batches b \
         SET status = CASE WHEN b.status = 'queued' THEN 'running' ELSE b.status END, \
             claimed_by = $2, heartbeat_at = now(), attempts = b.attempts + 1, \
             started_at = coalesce(b.started_at, now()), updated_at = now() \
         FROM next WHERE b.merchant_id = next.merchant_id AND b.id = next.id \
         RETURNING b.merchant_id, b.id, b.kind, b.status, b.attempts",
        vec![
            Bind::I64(opts.stale_after.as_millis() as i64),
            Bind::Text(opts.worker.clone()),
        ],
    )
    .cached()
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().map(|r| Claimed {
        batch: BatchRef {
            merchant_id: r.merchant_id,
            id: r.id,
            kind: BatchKind::from_db(&r.kind),
        },
        status: BatchStatus::from_db(&r.status),
        attempts: r.attempts,
    }))
}

/// What one [`step`] did.
#[derive(Debug, Clone)]
pub enum Step {
    /// A chunk of rows processed; more may remain.
    Progressed(Chunk),
    /// The batch ended with this status.
    Finished(BatchStatus),
    /// Another worker holds the batch now (this one was too slow and was taken over).
    Lost,
}

#[derive(QueryableByName)]
struct Holder {
    #[diesel(sql_type = sql_types::Text)]
    status: String,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    claimed_by: Option<String>,
}

/// One transaction of work on a claimed batch: the next chunk of rows (or the batch's end),
/// or its whole revert.
pub async fn step(conn: &mut AsyncPgConnection, c: &Claimed, opts: &JobOptions) -> Result<Step> {
    AnsiTransactionManager::begin_transaction(conn).await?;
    let timeout = Sql::from_parts(
        &["SELECT set_config('statement_timeout', $1, true)"],
        vec![Bind::Text(opts.statement_timeout.as_millis().to_string())],
    );
    let result = match timeout.into_query().execute(conn).await {
        Ok(_) => step_in_transaction(conn, c, opts).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(Step::Lost) | Err(_) => {
            AnsiTransactionManager::rollback_transaction(conn).await?;
        }
        Ok(_) => AnsiTransactionManager::commit_transaction(conn).await?,
    }
    result
}

async fn step_in_transaction(
    conn: &mut AsyncPgConnection,
    c: &Claimed,
    opts: &JobOptions,
) -> Result<Step> {
    let b = &c.batch;
    let holder: Vec<Holder> = Sql::with_binds(
        "SELECT status, claimed_by FROM migration_batches \
         WHERE merchant_id = $1 AND id = $2 FOR UPDATE",
        vec![Bind::I64(b.merchant_id), Bind::I64(b.id)],
    )
    .cached()
    .into_query()
    .load(conn)
    .await?;
    let Some(h) = holder.into_iter().next() else {
        return Ok(Step::Lost);
    };
    if h.claimed_by.as_deref() != Some(opts.worker.as_str()) || h.status != c.status.as_db() {
        return Ok(Step::Lost);
    }
    if c.status == BatchStatus::Reverting {
        let undone = revert::undo(conn, b).await?;
        revert::finish(conn, b, undone).await?;
        return Ok(Step::Finished(BatchStatus::Reverted));
    }
    let chunk = process::chunk(conn, b, opts.chunk_rows).await?;
    if chunk.processed == 0 {
        return Ok(Step::Finished(process::finish(conn, b).await?));
    }
    Ok(Step::Progressed(chunk))
}

/// Consecutive failed steps after which a batch is given up (`failed`).
const MAX_STEP_FAILURES: u32 = 3;

/// Works on a claimed batch until it ends (or is taken over). A step that keeps failing (the
/// database refusing a write) ends the batch as `failed`, with what it processed kept.
pub async fn run_claimed(
    conn: &mut AsyncPgConnection,
    c: &Claimed,
    opts: &JobOptions,
) -> Result<Step> {
    run_claimed_reporting(conn, c, opts, |_| {}).await
}

/// [`run_claimed`], telling `progressed` about every chunk processed.
async fn run_claimed_reporting(
    conn: &mut AsyncPgConnection,
    c: &Claimed,
    opts: &JobOptions,
    mut progressed: impl FnMut(&Chunk),
) -> Result<Step> {
    let mut failures = 0;
    loop {
        match step(conn, c, opts).await {
            Ok(Step::Progressed(chunk)) => {
                failures = 0;
                progressed(&chunk);
            }
            Ok(end) => return Ok(end),
            Err(e) => {
                failures += 1;
                tracing::warn!(batch = c.batch.id, error = %e, failures, "migration step failed");
                if failures >= MAX_STEP_FAILURES {
                    give_up(conn, c, opts).await?;
                    return Ok(Step::Finished(BatchStatus::Failed));
                }
            }
        }
    }
}

/// Ends a batch whose steps keep failing, if this worker still holds it.
async fn give_up(conn: &mut AsyncPgConnection, c: &Claimed, opts: &JobOptions) -> Result<()> {
    let message = match c.status {
        BatchStatus::Reverting => {
            "the revert failed repeatedly and was stopped; nothing of it was kept, retry it"
        }
        _ => "processing failed repeatedly and was stopped; the rows processed so far are kept",
    };
    Sql::with_binds(
        "UPDATE migration_batches SET status = CASE WHEN status = 'reverting' THEN 'completed' \
         ELSE 'failed' END, error = $4, finished_at = now(), claimed_by = NULL, \
         heartbeat_at = NULL, updated_at = now() \
         WHERE merchant_id = $1 AND id = $2 AND claimed_by = $3",
        vec![
            Bind::I64(c.batch.merchant_id),
            Bind::I64(c.batch.id),
            Bind::Text(opts.worker.clone()),
            Bind::Text(message.to_owned()),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}

/// Claims and runs batches until none is waiting; returns how many it ran. Its statements are
/// not counted in the gateway's statement counters (background work, not a request's).
pub async fn run_pending(db: &Db, opts: &JobOptions) -> Result<usize> {
    db.uncounted(async |conn| {
        let mut ran = 0;
        while let Some(c) = claim(conn, opts).await? {
            tracing::info!(
                batch = c.batch.id,
                merchant = c.batch.merchant_id,
                attempts = c.attempts,
                "running a migration batch"
            );
            // The batch's table grows by up to 100,000 rows: its planner statistics are refreshed
            // in the background as it does (see `db::stats`).
            let table = match c.batch.kind {
                BatchKind::Customers => "customers",
                BatchKind::Orders => "orders",
            };
            run_claimed_reporting(conn, &c, opts, |chunk| {
                crate::db::stats::wrote(db, table, chunk.created as u64);
            })
            .await?;
            ran += 1;
        }
        Ok(ran)
    })
    .await
}

/// Wakes the worker of this process when a request queues a batch.
#[derive(Clone, Default)]
pub struct Wake(pub Arc<Notify>);

/// Starts the worker task of a gateway: [`run_pending`] every `poll` and whenever `wake` is
/// notified.
pub fn spawn(db: Db, opts: JobOptions, poll: Duration, wake: Wake) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = run_pending(&db, &opts).await {
                tracing::warn!(error = %e, "migration jobs: a run failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = wake.0.notified() => {}
            }
        }
    })
}
