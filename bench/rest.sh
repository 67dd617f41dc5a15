#!/usr/bin/env bash
# REST translation overhead: the Spree route GET /api/v3/admin/orders?limit=50&expand=items
# against the GraphQL query it becomes, POSTed to /graphql, on the same server, database and
# token, at the same concurrency. Prints req/s and p99 of each and the ratios REST ÷ GraphQL
# (target: REST costs at most 1.15× → req/s ratio ≥ 0.87, p99 ratio ≤ 1.15).
#
# At each concurrency the two run alternately BENCH_ROUNDS times (GraphQL first in odd rounds,
# REST first in even ones) and the table shows the median of each side's rounds: on 2 cores
# shared by wrk, the server and PostgreSQL one 10 s measurement moves by ±15 % between runs
# of the same binary, so back-to-back pairs compare like with like and the median drops the
# outlier pair.
#
# Environment (all optional): BENCH_SECONDS=10, BENCH_CONCURRENCY="1 8 32",
#   BENCH_PG=postgres://postgres@127.0.0.1:5432, BENCH_DB=cg_bench_rest, BENCH_MERCHANT=bench,
#   BENCH_CUSTOMERS=10000, BENCH_ORDERS=100000, BENCH_PORT=18081, BENCH_POOL_SIZE=16,
#   BENCH_THREADS=2, BENCH_ROUNDS=3, BENCH_BIN (a built binary; default: cargo build --release),
#   CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECS=${BENCH_SECONDS:-10}
CONCURRENCY=${BENCH_CONCURRENCY:-"1 8 32"}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-cg_bench_rest}
DB_URL="$PG/$DB"
MERCHANT=${BENCH_MERCHANT:-bench}
CUSTOMERS=${BENCH_CUSTOMERS:-10000}
ORDERS=${BENCH_ORDERS:-100000}
PORT=${BENCH_PORT:-18081}
POOL_SIZE=${BENCH_POOL_SIZE:-16}
THREADS=${BENCH_THREADS:-2}
ROUNDS=${BENCH_ROUNDS:-3}
BASE="http://127.0.0.1:$PORT"
export JWT_SECRET=${JWT_SECRET:-bench-only-jwt-secret-bench-only-jwt-secret-42}

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }
for tool in curl jq psql; do command -v "$tool" >/dev/null || die "$tool is required"; done
if ! command -v wrk >/dev/null; then
  log "installing wrk…"
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
fi

if [ -n "${BENCH_BIN:-}" ]; then
  BIN=$BENCH_BIN
else
  log "building the release binary…"
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/commerce-gateway"
fi
[ -x "$BIN" ] || die "no binary at $BIN"

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

psql "$PG/postgres" -qc "CREATE DATABASE $DB" 2>/dev/null || true
have_orders=$(psql "$DB_URL" -Atqc "SELECT count(*) FROM orders o JOIN merchants m ON m.id = o.merchant_id WHERE m.slug = '$MERCHANT'" 2>/dev/null || echo 0)
if [ "${have_orders:-0}" -lt "$ORDERS" ]; then
  log "seeding $DB: $CUSTOMERS customers, $ORDERS orders…"
  "$BIN" seed --database-url "$DB_URL" --merchant "$MERCHANT" --customers "$CUSTOMERS" --orders "$ORDERS" >/dev/null
fi
CLIENT=$("$BIN" clients create --database-url "$DB_URL" --merchant "$MERCHANT" --name bench-rest \
  --scopes customers:read,orders:read,stores:read,catalog:read 2>/dev/null)
RUST_LOG=warn "$BIN" serve --bind "127.0.0.1:$PORT" --database-url "$DB_URL" --pool-size "$POOL_SIZE" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  curl -fs "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server exited"; }
  sleep 0.1
done
psql "$DB_URL" -qc "VACUUM (ANALYZE)" >/dev/null
TOKEN=$(curl -fs "$BASE/oauth/token" -d grant_type=client_credentials \
  --data-urlencode "client_id=$(jq -r .client_id <<<"$CLIENT")" \
  --data-urlencode "client_secret=$(jq -r .client_secret <<<"$CLIENT")" | jq -r .access_token)
[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || die "no token"

REST_PATH="/api/v3/admin/orders?limit=50&expand=items"
# The operation the translator builds for that route, as the route runs it (same text, same
# variables): `commerce-gateway rest-operation` prints it.
"$BIN" rest-operation "$REST_PATH" >"$WORK/gql.json" || die "rest-operation failed"

check=$(curl -fs "$BASE/graphql" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @"$WORK/gql.json")
jq -e '.errors == null' <<<"$check" >/dev/null || die "graphql: $(jq -c .errors <<<"$check")"
rest_check=$(curl -fs "$BASE$REST_PATH" -H "Authorization: Bearer $TOKEN") || die "REST request failed"
[ "$(jq '.data | length' <<<"$rest_check")" = 50 ] || die "REST: $(head -c 300 <<<"$rest_check")"

cat >"$WORK/req.lua" <<'LUA'
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file ~= nil and body_file ~= "" then
  local f = assert(io.open(body_file, "r"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.3f %.3f %d\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout + e.status))
end
LUA

run() { # url body-file conc → "rps p50 p99 errors"
  BENCH_TOKEN=$TOKEN BENCH_BODY_FILE=$2 wrk -t "$(( $3 < THREADS ? $3 : THREADS ))" -c "$3" -d "${SECS}s" \
    -s "$WORK/req.lua" "$1" | awk '/^RESULT/ { printf "%.1f %.3f %.3f %d\n", $2 / ($3 / 1e6), $4, $5, $6 }'
}

echo
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo
echo "REST translation overhead — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, ${SECS}s per run, median of $ROUNDS alternating rounds"
echo "database $DB: $have_orders+ orders of '$MERCHANT'; REST: GET $REST_PATH; GraphQL: the same selection via POST /graphql"
echo
printf '| %4s | %11s | %11s | %11s | %11s | %9s | %9s | %s |\n' conc 'GQL req/s' 'REST req/s' 'GQL p99 ms' 'REST p99 ms' 'req/s ×' 'p99 ×' 'rounds (req/s × / p99 ×)'
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------ ------------- ------------- ------------- ------------- ----------- ----------- ----
for c in $CONCURRENCY; do
  : >"$WORK/g" && : >"$WORK/r"
  rounds=""
  for i in $(seq 1 "$ROUNDS"); do
    if [ $((i % 2)) = 1 ]; then
      g=$(run "$BASE/graphql" "$WORK/gql.json" "$c"); r=$(run "$BASE$REST_PATH" "" "$c")
    else
      r=$(run "$BASE$REST_PATH" "" "$c"); g=$(run "$BASE/graphql" "$WORK/gql.json" "$c")
    fi
    read -r g_rps _ g_p99 g_err <<<"$g"
    read -r r_rps _ r_p99 r_err <<<"$r"
    [ "$g_err" = 0 ] && [ "$r_err" = 0 ] || log "errors: graphql $g_err, rest $r_err"
    echo "$g_rps $g_p99" >>"$WORK/g"
    echo "$r_rps $r_p99" >>"$WORK/r"
    rounds="$rounds $(awk -v a="$r_rps" -v b="$g_rps" -v c="$r_p99" -v d="$g_p99" 'BEGIN { printf "%.2f/%.2f", a / b, c / d }')"
  done
  g_rps=$(cut -d' ' -f1 "$WORK/g" | median); g_p99=$(cut -d' ' -f2 "$WORK/g" | median)
  r_rps=$(cut -d' ' -f1 "$WORK/r" | median); r_p99=$(cut -d' ' -f2 "$WORK/r" | median)
  printf '| %4s | %11s | %11s | %11s | %11s | %9s | %9s | %s |\n' "$c" "$g_rps" "$r_rps" "$g_p99" "$r_p99" \
    "$(awk -v a="$r_rps" -v b="$g_rps" 'BEGIN { printf "%.3f", a / b }')" \
    "$(awk -v a="$r_p99" -v b="$g_p99" 'BEGIN { printf "%.3f", a / b }')" "${rounds# }"
done
echo
echo "req/s ×: REST ÷ GraphQL of the medians (≥ 0.87 meets 'at most 1.15× the cost'); p99 ×: REST ÷ GraphQL (≤ 1.15)."
