#!/usr/bin/env bash
# REST translation overhead in instructions, not seconds: the release server runs under
# valgrind's callgrind while it answers BENCH_REQUESTS GraphQL requests, then as many REST
# requests of `GET /api/v3/admin/orders?limit=50&expand=items` (the operation `rest-operation`
# prints for that route, so both do the same database work). Callgrind counts the server's own
# instructions (PostgreSQL's are not counted): repeatable for the same binary and data whatever
# else the machine does, which wrk's timings on a 2-core machine are not.
#
# Uses the database bench/rest.sh seeds (run it once first). Environment (all optional):
#   BENCH_BIN (a release binary; default: cargo build --release), BENCH_REQUESTS=20,
#   BENCH_PG=postgres://postgres@127.0.0.1:5432, BENCH_DB=cg_bench_rest, BENCH_MERCHANT=bench,
#   BENCH_PORT=18083.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${BENCH_REQUESTS:-20}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-cg_bench_rest}
DB_URL="$PG/$DB"
MERCHANT=${BENCH_MERCHANT:-bench}
PORT=${BENCH_PORT:-18083}
BASE="http://127.0.0.1:$PORT"
export JWT_SECRET=${JWT_SECRET:-bench-only-jwt-secret-bench-only-jwt-secret-42}

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }
for tool in curl jq psql valgrind callgrind_control; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
if [ -n "${BENCH_BIN:-}" ]; then
  BIN=$BENCH_BIN
else
  log "building the release binary…"
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/commerce-gateway"
fi
[ -x "$BIN" ] || die "no binary at $BIN"
orders=$(psql "$DB_URL" -Atqc "SELECT count(*) FROM orders o JOIN merchants m ON m.id = o.merchant_id WHERE m.slug = '$MERCHANT'" 2>/dev/null) ||
  die "no database $DB: run bench/rest.sh first"

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
  if [ -n "${BENCH_KEEP:-}" ]; then cp "$WORK"/callgrind.* "$BENCH_KEEP"/ 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

CLIENT=$("$BIN" clients create --database-url "$DB_URL" --merchant "$MERCHANT" --name bench-instructions \
  --scopes customers:read,orders:read,stores:read,catalog:read 2>/dev/null)
# One worker thread: callgrind runs threads one at a time anyway.
RUST_LOG=warn TOKIO_WORKER_THREADS=1 valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$WORK/callgrind.%p" \
  "$BIN" serve --bind "127.0.0.1:$PORT" --database-url "$DB_URL" --pool-size 4 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 1200); do
  curl -fs "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server exited"; }
  sleep 0.25
done
TOKEN=$(curl -fs "$BASE/oauth/token" -d grant_type=client_credentials \
  --data-urlencode "client_id=$(jq -r .client_id <<<"$CLIENT")" \
  --data-urlencode "client_secret=$(jq -r .client_secret <<<"$CLIENT")" | jq -r .access_token)
[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || die "no token"
REST_PATH="/api/v3/admin/orders?limit=50&expand=items"
"$BIN" rest-operation "$REST_PATH" >"$WORK/gql.json"

gql() { curl -fs "$BASE/graphql" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @"$WORK/gql.json" -o /dev/null; }
rest() { curl -fs "$BASE$REST_PATH" -H "Authorization: Bearer $TOKEN" -o /dev/null; }
# Warm both (document caches, prepared statements, pool), then count each alone.
for _ in 1 2 3; do gql; rest; done
measure() { # name function → instructions per request
  callgrind_control --zero "$SERVER_PID" >/dev/null
  callgrind_control --instr=on "$SERVER_PID" >/dev/null
  for _ in $(seq 1 "$N"); do "$2"; done
  callgrind_control --instr=off "$SERVER_PID" >/dev/null
  callgrind_control --dump="$1" "$SERVER_PID" >/dev/null
  sleep 1
  local file total
  file=$(grep -l "^desc: Trigger: dump $1\$" "$WORK"/callgrind.* | head -n 1)
  total=$(awk '/^totals:/ { print $2; exit }' "$file")
  echo $(( total / N ))
}
g=$(measure graphql gql)
r=$(measure rest rest)
echo
echo "REST translation overhead in server instructions — $(date -u +%Y-%m-%dT%H:%MZ), $N requests each"
echo "database $DB: $orders orders of '$MERCHANT'; REST: GET $REST_PATH; GraphQL: the same operation via POST /graphql"
echo
printf '| %18s | %18s | %9s |\n' 'GraphQL instr/req' 'REST instr/req' 'REST ÷ GQL'
printf '|%s|%s|%s|\n' -------------------- -------------------- -----------
printf '| %18s | %18s | %9s |\n' "$g" "$r" "$(awk -v a="$r" -v b="$g" 'BEGIN { printf "%.3f", a / b }')"
