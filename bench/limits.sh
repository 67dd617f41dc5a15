#!/usr/bin/env bash
# What the call and cost limits cost (issue 14), in one run on one database:
#
# 1. The `order(id:)` lookup through three gateways started side by side: limits off
#    (COST_BUCKET_SIZE=0, SPARKPAY_CALL_LIMIT=0), limits in-process, limits in Redis
#    (REDIS_URL). The buckets are sized so nothing is ever refused: what is measured is the
#    check itself (target: each limited gateway ≥ 0.95 of the unlimited one's req/s).
# 2. A Spark Pay list (`GET /api/v1/orders.json?count=50`, call limit and cost bucket in Redis)
#    against the GraphQL operation it becomes (`commerce-gateway rest-operation`), POSTed to
#    /graphql on the same gateway with the same API key (target: p99 ≤ 1.15× GraphQL's).
#
# At each concurrency the compared runs alternate BENCH_ROUNDS times (the order rotating each
# round) and the table shows each side's median: on 2 cores shared by wrk, the gateway and
# PostgreSQL, one 10 s run moves by ±15 % between runs of the same binary.
#
# Environment (all optional): BENCH_SECONDS=10, BENCH_CONCURRENCY="8 32", BENCH_ROUNDS=3,
#   BENCH_PG=postgres://postgres@127.0.0.1:5432, BENCH_DB=cg_bench_limits, BENCH_MERCHANT=bench,
#   BENCH_CUSTOMERS=10000, BENCH_ORDERS=50000, BENCH_PORT=18090 (and the next two),
#   BENCH_POOL_SIZE=16, BENCH_THREADS=2, BENCH_REDIS=redis://127.0.0.1:6379,
#   BENCH_BIN (a built binary; default: cargo build --release), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECS=${BENCH_SECONDS:-10}
CONCURRENCY=${BENCH_CONCURRENCY:-"8 32"}
ROUNDS=${BENCH_ROUNDS:-3}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-cg_bench_limits}
DB_URL="$PG/$DB"
MERCHANT=${BENCH_MERCHANT:-bench}
CUSTOMERS=${BENCH_CUSTOMERS:-10000}
ORDERS=${BENCH_ORDERS:-50000}
PORT=${BENCH_PORT:-18090}
POOL_SIZE=${BENCH_POOL_SIZE:-16}
THREADS=${BENCH_THREADS:-2}
REDIS=${BENCH_REDIS:-redis://127.0.0.1:6379}
export JWT_SECRET=${JWT_SECRET:-bench-only-jwt-secret-bench-only-jwt-secret-42}

. bench/lib.sh
need curl jq psql redis-cli
redis-cli -u "$REDIS" ping >/dev/null 2>&1 || die "Redis does not answer at $REDIS"
ensure_wrk
release_bin

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

psql "$PG/postgres" -qc "CREATE DATABASE $DB" 2>/dev/null || true
have_orders=$(psql "$DB_URL" -Atqc "SELECT count(*) FROM orders o JOIN merchants m ON m.id = o.merchant_id WHERE m.slug = '$MERCHANT'" 2>/dev/null || echo 0)
if [ "${have_orders:-0}" -lt "$ORDERS" ]; then
  log "seeding $DB: $CUSTOMERS customers, $ORDERS orders…"
  "$BIN" seed --database-url "$DB_URL" --merchant "$MERCHANT" --customers "$CUSTOMERS" --orders "$ORDERS" >/dev/null
  have_orders=$ORDERS
fi
KEY=$("$BIN" api-keys create --database-url "$DB_URL" --merchant "$MERCHANT" --name bench-limits \
  --scopes customers:read,orders:read,stores:read,catalog:read 2>/dev/null | jq -r .key)
[ -n "$KEY" ] && [ "$KEY" != null ] || die "no API key"

# One gateway per mode; a bucket this large never refuses, so every request pays the check.
NEVER=1000000000
start() { # name port env…
  local name=$1 port=$2; shift 2
  env "$@" RUST_LOG=warn "$BIN" serve --bind "127.0.0.1:$port" --database-url "$DB_URL" \
    --pool-size "$POOL_SIZE" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  wait_ready "http://127.0.0.1:$port" "$!" "$WORK/$name.log"
}
PREFIX="cg:bench:$$:"
start off $PORT COST_BUCKET_SIZE=0 SPARKPAY_CALL_LIMIT=0
start local $((PORT + 1)) COST_BUCKET_SIZE=$NEVER COST_RESTORE_RATE=$NEVER SPARKPAY_CALL_LIMIT=$NEVER
start redis $((PORT + 2)) COST_BUCKET_SIZE=$NEVER COST_RESTORE_RATE=$NEVER SPARKPAY_CALL_LIMIT=$NEVER \
  REDIS_URL="$REDIS" REDIS_KEY_PREFIX="$PREFIX"
psql "$DB_URL" -qc "VACUUM (ANALYZE)" >/dev/null

gql() { # port body → response
  curl -fs "http://127.0.0.1:$1/graphql" -H "Authorization: Bearer $KEY" \
    -H 'Content-Type: application/json' --data-binary "$2"
}
ORDER_ID=$(gql $PORT '{"query":"{ orders(first: 1) { nodes { id } } }"}' | jq -r '.data.orders.nodes[0].id')
[ -n "$ORDER_ID" ] && [ "$ORDER_ID" != null ] || die "no order to look up"
jq -n --arg id "$ORDER_ID" '{query: "query($id: ID!) { order(id: $id) { id number status total customer { email } } }", variables: {id: $id}}' >"$WORK/lookup.json"
for p in $PORT $((PORT + 1)) $((PORT + 2)); do
  r=$(gql "$p" @"$WORK/lookup.json")
  jq -e '.errors == null and .data.order.id != null' <<<"$r" >/dev/null || die "lookup on :$p: $r"
done
# The limited gateways really check: their answers carry the cost, Redis holds the bucket.
jq -e '.extensions.cost.requestedQueryCost > 0' <<<"$(gql $((PORT + 2)) @"$WORK/lookup.json")" >/dev/null ||
  die "the Redis gateway reports no cost"
[ "$(redis-cli -u "$REDIS" --scan --pattern "${PREFIX}*" | wc -l)" -gt 0 ] || die "nothing in Redis under $PREFIX"

SP_PATH="/api/v1/orders.json?count=50"
"$BIN" rest-operation "$SP_PATH" >"$WORK/sp.json" || die "rest-operation failed"
r=$(gql $((PORT + 2)) @"$WORK/sp.json")
jq -e '.errors == null' <<<"$r" >/dev/null || die "graphql: $(jq -c .errors <<<"$r")"
sp=$(curl -fs "http://127.0.0.1:$((PORT + 2))$SP_PATH" -H "X-AC-Auth-Token: $KEY") || die "Spark Pay list failed"
[ "$(jq '.orders | length' <<<"$sp")" = 50 ] || die "Spark Pay: $(head -c 300 <<<"$sp")"

cat >"$WORK/req.lua" <<'LUA'
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file ~= nil and body_file ~= "" then
  local f = assert(io.open(body_file, "r"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
else
  wrk.headers["X-AC-Auth-Token"] = os.getenv("BENCH_KEY")
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.3f %.3f %d\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout + e.status))
end
LUA
run() { # url body-file conc → "rps p99 errors"
  BENCH_KEY=$KEY BENCH_BODY_FILE=$2 wrk -t "$(( $3 < THREADS ? $3 : THREADS ))" -c "$3" -d "${SECS}s" \
    -s "$WORK/req.lua" "$1" | awk '/^RESULT/ { printf "%.1f %.3f %d\n", $2 / ($3 / 1e6), $5, $6 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

echo
echo "commerce-gateway limits benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "database $DB: $have_orders+ orders of '$MERCHANT'; ${SECS}s per run, median of $ROUNDS rotating rounds; one API key"
echo
echo "order(id:) lookup, req/s (p99 ms)"
echo
printf '| %4s | %16s | %16s | %16s | %12s | %12s |\n' conc 'limits off' 'in-process' 'Redis' 'in-proc ÷ off' 'Redis ÷ off'
printf '|%s|%s|%s|%s|%s|%s|\n' ------ ------------------ ------------------ ------------------ -------------- --------------
for c in $CONCURRENCY; do
  : >"$WORK/off" && : >"$WORK/local" && : >"$WORK/redis"
  for i in $(seq 1 "$ROUNDS"); do
    order=("off:$PORT" "local:$((PORT + 1))" "redis:$((PORT + 2))")
    for _ in $(seq 2 "$i"); do order=("${order[@]:1}" "${order[0]}"); done
    for m in "${order[@]}"; do
      read -r rps p99 err <<<"$(run "http://127.0.0.1:${m#*:}/graphql" "$WORK/lookup.json" "$c")"
      [ "$err" = 0 ] || log "${m%%:*}: $err errors"
      echo "$rps $p99" >>"$WORK/${m%%:*}"
    done
  done
  for m in off local redis; do
    eval "${m}_rps=\$(cut -d' ' -f1 \"\$WORK/$m\" | median)"
    eval "${m}_p99=\$(cut -d' ' -f2 \"\$WORK/$m\" | median)"
  done
  printf '| %4s | %16s | %16s | %16s | %12s | %12s |\n' "$c" \
    "$off_rps ($off_p99)" "$local_rps ($local_p99)" "$redis_rps ($redis_p99)" \
    "$(ratio "$local_rps" "$off_rps")" "$(ratio "$redis_rps" "$off_rps")"
done
echo
echo "Target: each ratio ≥ 0.95 (the limiter adds at most 5 %)."

echo
echo "Spark Pay GET $SP_PATH against its GraphQL operation, same gateway (limits in Redis), same key"
echo
printf '| %4s | %11s | %11s | %11s | %11s | %9s | %s |\n' conc 'GQL req/s' 'SP req/s' 'GQL p99 ms' 'SP p99 ms' 'p99 ×' 'rounds (p99 ×)'
printf '|%s|%s|%s|%s|%s|%s|%s|\n' ------ ------------- ------------- ------------- ------------- ----------- ----
R=http://127.0.0.1:$((PORT + 2))
for c in $CONCURRENCY; do
  : >"$WORK/g" && : >"$WORK/s"
  rounds=""
  for i in $(seq 1 "$ROUNDS"); do
    if [ $((i % 2)) = 1 ]; then
      g=$(run "$R/graphql" "$WORK/sp.json" "$c"); s=$(run "$R$SP_PATH" "" "$c")
    else
      s=$(run "$R$SP_PATH" "" "$c"); g=$(run "$R/graphql" "$WORK/sp.json" "$c")
    fi
    read -r g_rps g_p99 g_err <<<"$g"
    read -r s_rps s_p99 s_err <<<"$s"
    [ "$g_err" = 0 ] && [ "$s_err" = 0 ] || log "errors: graphql $g_err, spark pay $s_err"
    echo "$g_rps $g_p99" >>"$WORK/g"
    echo "$s_rps $s_p99" >>"$WORK/s"
    rounds="$rounds $(ratio "$s_p99" "$g_p99")"
  done
  g_rps=$(cut -d' ' -f1 "$WORK/g" | median); g_p99=$(cut -d' ' -f2 "$WORK/g" | median)
  s_rps=$(cut -d' ' -f1 "$WORK/s" | median); s_p99=$(cut -d' ' -f2 "$WORK/s" | median)
  printf '| %4s | %11s | %11s | %11s | %11s | %9s | %s |\n' "$c" "$g_rps" "$s_rps" "$g_p99" "$s_p99" \
    "$(ratio "$s_p99" "$g_p99")" "${rounds# }"
done
echo
echo "Target: p99 × (Spark Pay ÷ GraphQL) ≤ 1.15."
redis-cli -u "$REDIS" --scan --pattern "${PREFIX}*" | xargs -r redis-cli -u "$REDIS" del >/dev/null
