//! Write benchmark client (driven by `bench/writes.sh`): bulk mutations over the real HTTP
//! GraphQL API, timed from the client, with the server's SQL statements per call read from
//! `/metrics`. Prints a Markdown table.
//!
//! Measures:
//! 1. `customersCreate` of 1,000 customers in one mutation, `BENCH_RUNS` times sequentially
//!    (p50 / min / max);
//! 2. `BENCH_CUSTOMERS` customers (default 100,000) through repeated 1,000-row `customersCreate`
//!    mutations, with each number of concurrent clients of `BENCH_CLIENTS` (default "1 2 4");
//! 3. `pricesUpsert` of `BENCH_PRICES` prices (default 10,000, one per variant) in one call:
//!    creating them (a new currency each run), then updating the same prices by key;
//! 4. the same through Spree's `POST /api/v3/admin/prices/bulk_upsert` (target: p50 < 1 s for
//!    10,000 prices).
//!
//! ```sh
//! GATEWAY_URL=http://127.0.0.1:18180 TOKEN=<JWT with customers:write,pricing:write,catalog:read> \
//!   cargo run --release --example write_bench
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

type Error = Box<dyn std::error::Error + Send + Sync>;

const CUSTOMERS_CREATE: &str = "mutation($input: [CustomerCreateInput!]!) {
  customersCreate(input: $input) { customers { id } userErrors { field code message } } }";

const PRICES_UPSERT: &str = "mutation($input: [PriceInput!]!) {
  pricesUpsert(input: $input) { created updated prices { id } userErrors { field code message } } }";

const VARIANTS: &str = "query($after: String) {
  variants(first: 250, after: $after) { pageInfo { hasNextPage endCursor } nodes { id } } }";

/// Currencies the price runs create prices in, one per run.
const CURRENCIES: [&str; 8] = ["EUR", "GBP", "CHF", "CAD", "AUD", "JPY", "MXN", "BRL"];

#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    /// Posts a GraphQL request; fails on transport errors, GraphQL errors and user errors.
    async fn gql(&self, query: &str, variables: Value, field: &str) -> Result<Value, Error> {
        let body: Value = self
            .http
            .post(format!("{}/graphql", self.base))
            .bearer_auth(&self.token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        if let Some(e) = body.get("errors") {
            return Err(format!("{field}: {e}").into());
        }
        let data = body["data"][field].clone();
        if let Some(errors) = data["userErrors"].as_array() {
            if !errors.is_empty() {
                return Err(
                    format!("{field}: {} user errors, first {}", errors.len(), errors[0]).into(),
                );
            }
        }
        Ok(data)
    }

    /// `gateway_sql_statements_total` of the server.
    async fn statements(&self) -> Result<u64, Error> {
        let text = self
            .http
            .get(format!("{}/metrics", self.base))
            .send()
            .await?
            .text()
            .await?;
        text.lines()
            .find_map(|l| l.strip_prefix("gateway_sql_statements_total "))
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| "no gateway_sql_statements_total in /metrics".into())
    }
}

/// One line of the table.
struct Line {
    operation: String,
    rows_per_call: usize,
    calls: usize,
    clients: usize,
    p50: Duration,
    min: Duration,
    max: Duration,
    rows_per_s: f64,
    statements_per_call: f64,
    target: String,
    met: Option<bool>,
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn customers(tag: &str, batch: usize, n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| {
                json!({
                    "email": format!("w{tag}-{batch}-{i}@bench.example"),
                    "firstName": "Bench",
                    "lastName": format!("Customer {batch}-{i}"),
                    "acceptsMarketing": i % 3 == 0,
                    "tags": ["bench", "import"],
                })
            })
            .collect(),
    )
}

/// Times `calls` sequential requests; returns (sorted durations, statements per call).
async fn sequential<F, Fut>(
    api: &Api,
    calls: usize,
    mut call: F,
) -> Result<(Vec<Duration>, f64), Error>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    let mut times = Vec::with_capacity(calls);
    let s0 = api.statements().await?;
    for i in 0..calls {
        let t = Instant::now();
        call(i).await?;
        times.push(t.elapsed());
    }
    let s1 = api.statements().await?;
    times.sort();
    Ok((times, (s1 - s0) as f64 / calls as f64))
}

async fn bench_customers_1k(api: &Api, tag: &str, runs: usize) -> Result<Line, Error> {
    // One warm-up call (connections, caches), not measured.
    api.gql(
        CUSTOMERS_CREATE,
        json!({ "input": customers(&format!("{tag}w"), 0, 1000) }),
        "customersCreate",
    )
    .await?;
    let (times, spc) = sequential(api, runs, |i| {
        let api = api.clone();
        let input = customers(&format!("{tag}s"), i, 1000);
        async move {
            let d = api
                .gql(
                    CUSTOMERS_CREATE,
                    json!({ "input": input }),
                    "customersCreate",
                )
                .await?;
            let n = d["customers"].as_array().map_or(0, Vec::len);
            if n != 1000 {
                return Err(format!("customersCreate returned {n} customers").into());
            }
            Ok(())
        }
    })
    .await?;
    let p50 = percentile(&times, 0.5);
    Ok(Line {
        operation: "customersCreate, 1,000 in one mutation".into(),
        rows_per_call: 1000,
        calls: runs,
        clients: 1,
        p50,
        min: times[0],
        max: times[times.len() - 1],
        rows_per_s: 1000.0 / p50.as_secs_f64(),
        statements_per_call: spc,
        target: "p50 < 300 ms".into(),
        met: Some(p50 < Duration::from_millis(300)),
    })
}

async fn bench_customers_bulk(
    api: &Api,
    tag: &str,
    total: usize,
    clients: usize,
) -> Result<Line, Error> {
    let batches = total.div_ceil(1000);
    let next = Arc::new(AtomicUsize::new(0));
    let s0 = api.statements().await?;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (api, next, tag) = (api.clone(), next.clone(), format!("{tag}c{clients}"));
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            loop {
                let b = next.fetch_add(1, Ordering::Relaxed);
                if b >= batches {
                    return Ok::<_, Error>(times);
                }
                let t = Instant::now();
                api.gql(
                    CUSTOMERS_CREATE,
                    json!({ "input": customers(&tag, b, 1000) }),
                    "customersCreate",
                )
                .await?;
                times.push(t.elapsed());
            }
        }));
    }
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await??);
    }
    let elapsed = start.elapsed();
    let s1 = api.statements().await?;
    times.sort();
    let rows_per_s = (batches * 1000) as f64 / elapsed.as_secs_f64();
    Ok(Line {
        operation: format!(
            "customersCreate, {} rows in 1,000-row mutations",
            batches * 1000
        ),
        rows_per_call: 1000,
        calls: batches,
        clients,
        p50: percentile(&times, 0.5),
        min: times[0],
        max: times[times.len() - 1],
        rows_per_s,
        statements_per_call: (s1 - s0) as f64 / batches as f64,
        target: "≥ 20,000 rows/s".into(),
        met: Some(rows_per_s >= 20_000.0),
    })
}

async fn variant_ids(api: &Api, n: usize) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    let mut after = Value::Null;
    while out.len() < n {
        let page = api
            .gql(VARIANTS, json!({ "after": after }), "variants")
            .await?;
        for v in page["nodes"].as_array().ok_or("no variants")? {
            out.push(v["id"].as_str().ok_or("variant without id")?.to_owned());
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    if out.len() < n {
        return Err(format!("only {} variants; bench/writes.sh creates {n}", out.len()).into());
    }
    out.truncate(n);
    Ok(out)
}

fn prices(variants: &[String], currency: &str, amount: &str) -> Value {
    Value::Array(
        variants
            .iter()
            .map(|v| json!({ "variantId": v, "currency": currency, "amount": amount }))
            .collect(),
    )
}

async fn bench_prices(api: &Api, n: usize, runs: usize) -> Result<Vec<Line>, Error> {
    let variants = variant_ids(api, n).await?;
    let runs = runs.min(CURRENCIES.len());
    let mut lines = Vec::new();
    for (label, amount, creating) in [
        ("creating", "9.99", true),
        ("updating by key", "10.49", false),
    ] {
        let (times, spc) = sequential(api, runs, |i| {
            let (api, input) = (api.clone(), prices(&variants, CURRENCIES[i], amount));
            async move {
                let d = api
                    .gql(PRICES_UPSERT, json!({ "input": input }), "pricesUpsert")
                    .await?;
                let (c, u) = (
                    d["created"].as_u64().unwrap_or(0),
                    d["updated"].as_u64().unwrap_or(0),
                );
                let expected = if creating {
                    (n as u64, 0)
                } else {
                    (0, n as u64)
                };
                if (c, u) != expected {
                    return Err(format!(
                        "pricesUpsert: created {c}, updated {u}, expected {expected:?}"
                    )
                    .into());
                }
                Ok(())
            }
        })
        .await?;
        let p50 = percentile(&times, 0.5);
        lines.push(Line {
            operation: format!("pricesUpsert, {n} prices in one call, {label}"),
            rows_per_call: n,
            calls: runs,
            clients: 1,
            p50,
            min: times[0],
            max: times[times.len() - 1],
            rows_per_s: n as f64 / p50.as_secs_f64(),
            statements_per_call: spc,
            target: "p50 < 1 s".into(),
            met: Some(p50 < Duration::from_secs(1)),
        });
    }
    Ok(lines)
}

/// `POST /api/v3/admin/prices/bulk_upsert` (Spree's route, same engine as `pricesUpsert`) of
/// `n` prices, creating in currencies the GraphQL runs did not use, then updating them by key.
async fn bench_rest_prices(api: &Api, n: usize, runs: usize) -> Result<Vec<Line>, Error> {
    let variants = variant_ids(api, n).await?;
    let runs = runs.min(CURRENCIES.len() / 2);
    let mut lines = Vec::new();
    for (label, amount) in [("creating", "9.99"), ("updating by key", "10.49")] {
        let (times, spc) = sequential(api, runs, |i| {
            let api = api.clone();
            let body = json!({ "prices": variants
                .iter()
                .map(|v| json!({ "variant_id": v, "currency": CURRENCIES[CURRENCIES.len() - 1 - i], "amount": amount }))
                .collect::<Vec<_>>() });
            async move {
                let res: Value = api
                    .http
                    .post(format!("{}/api/v3/admin/prices/bulk_upsert", api.base))
                    .bearer_auth(&api.token)
                    .json(&body)
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                if res["price_count"].as_u64() != Some(n as u64) {
                    return Err(format!("bulk_upsert: {res}, expected price_count {n}").into());
                }
                Ok(())
            }
        })
        .await?;
        let p50 = percentile(&times, 0.5);
        lines.push(Line {
            operation: format!("REST prices/bulk_upsert, {n} prices, {label}"),
            rows_per_call: n,
            calls: runs,
            clients: 1,
            p50,
            min: times[0],
            max: times[times.len() - 1],
            rows_per_s: n as f64 / p50.as_secs_f64(),
            statements_per_call: spc,
            target: "p50 < 1 s".into(),
            met: Some(p50 < Duration::from_secs(1)),
        });
    }
    Ok(lines)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let base = std::env::var("GATEWAY_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let token = std::env::var("TOKEN").map_err(|_| "set TOKEN (a JWT, see bench/writes.sh)")?;
    let api = Api {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(300))
            .build()?,
        base,
        token,
    };
    let runs = env_num("BENCH_RUNS", 7);
    let total = env_num("BENCH_CUSTOMERS", 100_000);
    let price_count = env_num("BENCH_PRICES", 10_000);
    let price_runs = env_num("BENCH_PRICE_RUNS", 3);
    let clients: Vec<usize> = std::env::var("BENCH_CLIENTS")
        .unwrap_or_else(|_| "1 2 4".into())
        .split_whitespace()
        .filter_map(|c| c.parse().ok())
        .collect();
    // Emails are unique per merchant: a tag per run keeps re-runs on one database apart.
    let tag = format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs()
    );

    let mut lines = vec![bench_customers_1k(&api, &tag, runs).await?];
    eprintln!("customersCreate 1k: done");
    for c in clients {
        lines.push(bench_customers_bulk(&api, &tag, total, c).await?);
        eprintln!("customersCreate bulk with {c} client(s): done");
    }
    lines.extend(bench_prices(&api, price_count, price_runs).await?);
    lines.extend(bench_rest_prices(&api, price_count, price_runs).await?);
    eprintln!("prices: done");

    println!(
        "| {:<56} | {:>6} | {:>5} | {:>7} | {:>8} | {:>8} | {:>8} | {:>8} | {:>10} | {:<15} | {:<4} |",
        "operation", "rows", "calls", "clients", "p50 ms", "min ms", "max ms", "rows/s", "stmts/call", "target", "met"
    );
    println!(
        "|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|",
        "-".repeat(58),
        "-".repeat(8),
        "-".repeat(7),
        "-".repeat(9),
        "-".repeat(10),
        "-".repeat(10),
        "-".repeat(10),
        "-".repeat(10),
        "-".repeat(12),
        "-".repeat(17),
        "-".repeat(6)
    );
    for l in &lines {
        println!(
            "| {:<56} | {:>6} | {:>5} | {:>7} | {:>8} | {:>8} | {:>8} | {:>8.0} | {:>10.2} | {:<15} | {:<4} |",
            l.operation,
            l.rows_per_call,
            l.calls,
            l.clients,
            ms(l.p50),
            ms(l.min),
            ms(l.max),
            l.rows_per_s,
            l.statements_per_call,
            l.target,
            match l.met {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "",
            }
        );
    }
    println!();
    println!(
        "Times are client-side round trips of POST /graphql or the REST route (serialising the input, the server's"
    );
    println!(
        "parse + validation + transaction, the payload back). rows/s: rows ÷ p50 for single calls,"
    );
    println!("all rows ÷ wall-clock time for the concurrent bulk runs. stmts/call: increase of the server's");
    println!("gateway_sql_statements_total ÷ calls (BEGIN/COMMIT included).");
    Ok(())
}
