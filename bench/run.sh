#!/usr/bin/env bash
# Load benchmark of the release gateway against the database's own ceiling.
#
# Builds the release binary, seeds a dedicated database (skipped when it already holds the
# orders), starts the server, and for each query and concurrency drives it with wrk for
# BENCH_SECONDS, then runs the equivalent hand-written SQL (bench/sql/*.sql) with pgbench for as
# long. Prints one table row per query and concurrency:
#   gateway req/s, p50 and p99 latency (ms), SQL statements per request (from /metrics), max RSS
#   of the server (MiB), pgbench tps, and gateway req/s ÷ pgbench tps.
#
# Environment (all optional):
#   BENCH_SECONDS=10            seconds per wrk run and per pgbench run
#   BENCH_CONCURRENCY="1 8 32"  connections (wrk) / clients (pgbench)
#   BENCH_QUERIES="order dashboard stats search"   (also: stats_raw — orderStats with a filter the
#                               daily rollups cannot answer, ~1 s per request over 1M orders)
#   BENCH_PG=postgres://postgres@127.0.0.1:5432   BENCH_DB=cg_bench   BENCH_MERCHANT=bench
#   BENCH_CUSTOMERS=100000      BENCH_ORDERS=1000000
#   BENCH_PORT=18080            BENCH_POOL_SIZE=16 (server pool)   BENCH_THREADS=2 (wrk/pgbench)
#   BENCH_WORKERS               server's Tokio worker threads (default: one per core)
#   CARGO_TARGET_DIR            where the release binary is built (default ./target)
#   BENCH_BIN                   a built binary to run instead (e.g. to compare two commits)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

SECS=${BENCH_SECONDS:-10}
CONCURRENCY=${BENCH_CONCURRENCY:-"1 8 32"}
QUERIES=${BENCH_QUERIES:-"order dashboard stats search"}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-cg_bench}
DB_URL="$PG/$DB"
MERCHANT=${BENCH_MERCHANT:-bench}
CUSTOMERS=${BENCH_CUSTOMERS:-100000}
ORDERS=${BENCH_ORDERS:-1000000}
PORT=${BENCH_PORT:-18080}
POOL_SIZE=${BENCH_POOL_SIZE:-16}
THREADS=${BENCH_THREADS:-2}
BASE="http://127.0.0.1:$PORT"
# A fixed secret: tokens are JWTs, so authenticating a request costs no SQL statement.
export JWT_SECRET=${JWT_SECRET:-bench-only-jwt-secret-bench-only-jwt-secret-42}
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/commerce-gateway"

# ---------------------------------------------------------------------------------------------
# DASHBOARD_EXTRA: Customer.customerGroups and Order.discounts are being added on another
# branch. When the schema has them (checked by introspection below) the dashboard query asks for
# them and pgbench runs bench/sql/dashboard_full.sql; set DASHBOARD_EXTRA=0 to force the query
# without them, DASHBOARD_EXTRA=1 to require them.
DASHBOARD_EXTRA=${DASHBOARD_EXTRA:-auto}
# ---------------------------------------------------------------------------------------------

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }

for tool in curl jq psql pgbench; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
if ! command -v wrk >/dev/null; then
  log "installing wrk…"
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
fi

WORK=$(mktemp -d)
SERVER_PID=""
SAMPLER_PID=""
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if [ -n "${BENCH_BIN:-}" ]; then
  BIN=$BENCH_BIN
else
  log "building the release binary…"
  cargo build --release --quiet
fi
[ -x "$BIN" ] || die "no binary at $BIN (set CARGO_TARGET_DIR or BENCH_BIN)"

# --- data ------------------------------------------------------------------------------------
have_orders() {
  psql "$DB_URL" -Atqc "SELECT count(*) FROM orders o JOIN merchants m ON m.id = o.merchant_id WHERE m.slug = '$MERCHANT'" 2>/dev/null || echo 0
}
have_customers() {
  psql "$DB_URL" -Atqc "SELECT count(*) FROM customers c JOIN merchants m ON m.id = c.merchant_id WHERE m.slug = '$MERCHANT'" 2>/dev/null || echo 0
}
if [ "$(have_orders)" -ge "$ORDERS" ] && [ "$(have_customers)" -ge "$CUSTOMERS" ]; then
  log "$DB already holds $(have_orders) orders of '$MERCHANT': not seeding"
else
  log "seeding $DB: $CUSTOMERS customers, $ORDERS orders (a few minutes)…"
  start=$(date +%s)
  "$BIN" seed --database-url "$DB_URL" --merchant "$MERCHANT" --customers "$CUSTOMERS" --orders "$ORDERS" >"$WORK/seed.json"
  echo "seed: $(( $(date +%s) - start )) s ($(jq -c '{customers, orders, line_items, elapsed_ms}' "$WORK/seed.json"))"
fi

# --- server ----------------------------------------------------------------------------------
CLIENT=$("$BIN" clients create --database-url "$DB_URL" --merchant "$MERCHANT" --name bench \
  --scopes customers:read,orders:read,stores:read,catalog:read 2>/dev/null)
# BENCH_WORKERS: Tokio worker threads of the server (TOKIO_WORKER_THREADS; default one per core).
env ${BENCH_WORKERS:+TOKIO_WORKER_THREADS=$BENCH_WORKERS} RUST_LOG=warn "$BIN" serve --bind "127.0.0.1:$PORT" --database-url "$DB_URL" --pool-size "$POOL_SIZE" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  curl -fs "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server exited"; }
  sleep 0.1
done
curl -fs "$BASE/readyz" >/dev/null || die "the server is not ready"
# Serving applies pending migrations (new indexes); give index-only scans a visibility map.
psql "$DB_URL" -qc "VACUUM (ANALYZE)" >/dev/null

TOKEN=$(curl -fs "$BASE/oauth/token" -d grant_type=client_credentials \
  --data-urlencode "client_id=$(jq -r .client_id <<<"$CLIENT")" \
  --data-urlencode "client_secret=$(jq -r .client_secret <<<"$CLIENT")" | jq -r .access_token)
[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || die "no token"

gql() { # query-json-body → response
  curl -fs "$BASE/graphql" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary "$1"
}
body() { jq -cn --arg q "$1" '{query: $q}'; }

MERCHANT_ID=$(psql "$DB_URL" -Atqc "SELECT id FROM merchants WHERE slug = '$MERCHANT'")
# A real order (number R000500000, else the newest), through the API (its public ID) and SQL (its key).
picked=$(gql "$(body '{ orders(first: 1, filter: { number: { eq: "R000500000" } }) { nodes { id number } } }')")
ORDER_GID=$(jq -r '.data.orders.nodes[0].id' <<<"$picked")
ORDER_NUMBER=$(jq -r '.data.orders.nodes[0].number' <<<"$picked")
[ "$ORDER_GID" != null ] || { picked=$(gql "$(body '{ orders(first: 1) { nodes { id number } } }')");
  ORDER_GID=$(jq -r '.data.orders.nodes[0].id' <<<"$picked"); ORDER_NUMBER=$(jq -r '.data.orders.nodes[0].number' <<<"$picked"); }
ORDER_KEY=$(psql "$DB_URL" -Atqc "SELECT id FROM orders WHERE merchant_id = $MERCHANT_ID AND number = '$ORDER_NUMBER'")
[ -n "$ORDER_KEY" ] || die "could not pick an order"

fields=$(gql "$(body '{ c: __type(name: "Customer") { fields { name } } o: __type(name: "Order") { fields { name } } }')")
has_extra=$(jq '[.data.c.fields[].name] as $c | [.data.o.fields[].name] as $o | ($c | index("customerGroups")) != null and ($o | index("discounts")) != null' <<<"$fields")
case "$DASHBOARD_EXTRA" in
  auto) [ "$has_extra" = true ] && DASHBOARD_EXTRA=1 || DASHBOARD_EXTRA=0 ;;
  1) [ "$has_extra" = true ] || die "DASHBOARD_EXTRA=1 but the schema lacks customerGroups/discounts" ;;
esac
if [ "$DASHBOARD_EXTRA" = 1 ]; then
  CUSTOMER_EXTRA=' customerGroups { name }'; ORDER_EXTRA=' discounts { amount }'; DASHBOARD_SQL=dashboard_full.sql
else
  CUSTOMER_EXTRA=''; ORDER_EXTRA=''; DASHBOARD_SQL=dashboard.sql
fi

query_text() {
  case "$1" in
    order) echo "{ order(id: \"$ORDER_GID\") { id number status total currency itemCount createdAt completedAt } }" ;;
    dashboard) echo "{ orders(first: 50) { nodes { number total customer { email$CUSTOMER_EXTRA } store { name } channel { code } lineItems { quantity variant { sku product { name } } }$ORDER_EXTRA } } }" ;;
    stats) echo '{ orderStats(groupBy: [CHANNEL, DAY]) { channel { code } period count itemCount total averageTotal } }' ;;
    stats_raw) echo '{ orderStats(groupBy: [CHANNEL, DAY], filter: { total: { gte: "0" } }) { channel { code } period count itemCount total averageTotal } }' ;;
    search) echo '{ customers(search: "customer12", first: 25) { nodes { email } } }' ;;
    *) die "unknown query $1" ;;
  esac
}
sql_file() {
  case "$1" in
    order) echo order.sql ;; dashboard) echo "$DASHBOARD_SQL" ;; stats) echo stats.sql ;; stats_raw) echo stats_raw.sql ;;
    search) echo search.sql ;;
  esac
}

cat >"$WORK/post.lua" <<'EOF'
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.3f %.3f %d %d\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
EOF

statements() { curl -fs "$BASE/metrics" | awk '$1 == "gateway_sql_statements_total" { print $2 }'; }
# Waits until no statement has been sent for half a second (in-flight requests finished).
settle() {
  local a b
  a=$(statements)
  while sleep 0.5; b=$(statements); [ "$a" != "$b" ]; do a=$b; done
}
rss_sampler() { # max VmRSS (kB) of the server, written to $1 while it runs
  local max=0 v
  while kill -0 "$SERVER_PID" 2>/dev/null; do
    v=$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
    [ "${v:-0}" -gt "$max" ] && max=$v && echo "$max" >"$1"
    sleep 0.1
  done
}

echo
echo "commerce-gateway benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, ${SECS}s per run, server workers: ${BENCH_WORKERS:-one per core}"
echo "database $DB: $(have_customers) customers, $(have_orders) orders of '$MERCHANT' (id $MERCHANT_ID); order $ORDER_GID (key $ORDER_KEY); dashboard extras: $([ "$DASHBOARD_EXTRA" = 1 ] && echo customerGroups+discounts || echo 'none (fields absent on this branch)')"
echo
printf '| %-9s | %4s | %9s | %9s | %9s | %10s | %9s | %8s | %11s | %7s |\n' query conc 'req/s' 'p50 ms' 'p99 ms' 'stmts/req' 'stmts/seq' 'RSS MiB' 'pgbench tps' ratio
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ----------- ------ ----------- ----------- ----------- ------------ ----------- ---------- ------------- ---------

for q in $QUERIES; do
  text=$(query_text "$q")
  body "$text" >"$WORK/$q.json"
  check=$(gql "$(cat "$WORK/$q.json")") || die "$q: request failed"
  jq -e '.errors == null' <<<"$check" >/dev/null || die "$q: $(jq -c .errors <<<"$check")"
  # Exact statements per request: 3 sequential requests on an otherwise idle server.
  settle
  c0=$(statements)
  for _ in 1 2 3; do gql "$(cat "$WORK/$q.json")" >/dev/null; done
  c1=$(statements)
  seq_spr=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", (b - a) / 3 }')
  for c in $CONCURRENCY; do
    t=$(( c < THREADS ? c : THREADS ))
    settle
    echo 0 >"$WORK/rss"
    rss_sampler "$WORK/rss" &
    SAMPLER_PID=$!
    s0=$(statements)
    out=$(BENCH_BODY_FILE="$WORK/$q.json" BENCH_TOKEN="$TOKEN" \
      wrk -t "$t" -c "$c" -d "${SECS}s" --timeout 60s -s "$WORK/post.lua" "$BASE/graphql")
    settle
    s1=$(statements)
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=""
    read -r _ n dur p50 p99 errs bad < <(grep '^RESULT' <<<"$out")
    [ "$errs" = 0 ] && [ "$bad" = 0 ] || log "$q c=$c: $errs socket errors, $bad non-2xx responses"
    rps=$(awk -v n="$n" -v d="$dur" 'BEGIN { printf "%.1f", n / (d / 1e6) }')
    spr=$(awk -v a="$s0" -v b="$s1" -v n="$n" 'BEGIN { if (n > 0) printf "%.2f", (b - a) / n; else print "-" }')
    rss=$(awk -v k="$(cat "$WORK/rss")" 'BEGIN { printf "%.0f", k / 1024 }')

    pj=$(( c < THREADS ? c : THREADS ))
    tps=$(pgbench -n -f "$ROOT/bench/sql/$(sql_file "$q")" -D merchant="$MERCHANT_ID" -D order_id="$ORDER_KEY" \
      -c "$c" -j "$pj" -T "$SECS" "$DB_URL" 2>/dev/null | awk '/^tps/ { print $3; exit }')
    ratio=$(awk -v r="$rps" -v t="${tps:-0}" 'BEGIN { if (t > 0) printf "%.2f", r / t; else print "-" }')
    printf '| %-9s | %4s | %9s | %9s | %9s | %10s | %9s | %8s | %11.1f | %7s |\n' \
      "$q" "$c" "$rps" "$p50" "$p99" "$spr" "$seq_spr" "$rss" "${tps:-0}" "$ratio"
  done
done
echo
echo "req/s, p50, p99: wrk (POST /graphql, one JWT; connections = conc, threads = min(conc, $THREADS))."
echo "stmts/req: increase of gateway_sql_statements_total over the run (until the server is idle again) ÷ requests wrk"
echo "  completed; requests still in flight when wrk stops add statements but no completion, so slow queries"
echo "  at high concurrency read high. stmts/seq: the exact count, from 3 sequential requests on an idle server."
echo "RSS: max VmRSS of the server process during the run. pgbench: bench/sql/<query>.sql, clients = conc."
echo "ratio: gateway req/s ÷ pgbench tps (1.00 = the gateway serves as fast as the bare SQL runs)."
