#!/usr/bin/env bash
# Streamed exports (issue 13): `GET /api/admin/v1/orders?format=ndjson` (orders with their
# line items) and `GET /api/admin/v1/customers/bulk?format=ndjson` over the whole merchant,
# read to the end with curl. Prints rows/s and the gateway's resident memory: sampled every
# 100 ms during each export (peak) and VmHWM at the end.
# Targets: 1M orders as NDJSON ≥ 100,000 rows/s, gateway RSS < 100 MB throughout.
#
# Environment (all optional): BENCH_PG=postgres://postgres@127.0.0.1:5432, BENCH_DB=cg_bench,
#   BENCH_MERCHANT=bench, BENCH_CUSTOMERS=100000, BENCH_ORDERS=1000000 (the database of
#   bench/run.sh: seeded only when it holds fewer orders), BENCH_PORT=18095, BENCH_POOL_SIZE=16,
#   BENCH_BIN (a built binary; default: cargo build --release), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-cg_bench}
DB_URL="$PG/$DB"
MERCHANT=${BENCH_MERCHANT:-bench}
CUSTOMERS=${BENCH_CUSTOMERS:-100000}
ORDERS=${BENCH_ORDERS:-1000000}
PORT=${BENCH_PORT:-18095}
POOL_SIZE=${BENCH_POOL_SIZE:-16}
BASE="http://127.0.0.1:$PORT"
export JWT_SECRET=${JWT_SECRET:-bench-only-jwt-secret-bench-only-jwt-secret-42}

. bench/lib.sh
need curl jq psql bc
release_bin

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

psql "$PG/postgres" -qc "CREATE DATABASE $DB" 2>/dev/null || true
count() { psql "$DB_URL" -Atqc "SELECT count(*) FROM $1 t JOIN merchants m ON m.id = t.merchant_id WHERE m.slug = '$MERCHANT'" 2>/dev/null || echo 0; }
if [ "$(count orders)" -lt "$ORDERS" ]; then
  log "seeding $DB: $CUSTOMERS customers, $ORDERS orders…"
  "$BIN" seed --database-url "$DB_URL" --merchant "$MERCHANT" --customers "$CUSTOMERS" --orders "$ORDERS" >/dev/null
fi
n_orders=$(count orders)
n_lines=$(count line_items)
n_customers=$(count customers)
KEY=$("$BIN" api-keys create --database-url "$DB_URL" --merchant "$MERCHANT" --name bench-exports \
  --scopes customers:read,orders:read,exports:read 2>/dev/null | jq -r .key)
[ -n "$KEY" ] && [ "$KEY" != null ] || die "no API key"
RUST_LOG=warn COST_BUCKET_SIZE=0 "$BIN" serve --bind "127.0.0.1:$PORT" --database-url "$DB_URL" \
  --pool-size "$POOL_SIZE" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_ready "$BASE" "$SERVER_PID" "$WORK/server.log"
psql "$DB_URL" -qc "VACUUM (ANALYZE)" >/dev/null

rss_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SERVER_PID/status"; }
export_one() { # name path → table row
  local name=$1 path=$2 peak=0 start end rows
  : >"$WORK/out"
  start=$(date +%s.%N)
  curl -fsS -N "$BASE$path" -H "Authorization: Bearer $KEY" -o "$WORK/out" &
  local curl_pid=$!
  while kill -0 "$curl_pid" 2>/dev/null; do
    r=$(rss_kb VmRSS); [ "${r:-0}" -gt "$peak" ] && peak=$r
    sleep 0.1
  done
  wait "$curl_pid" || die "$name: the export failed"
  end=$(date +%s.%N)
  rows=$(wc -l <"$WORK/out")
  case $path in
    *format=csv*) rows=$((rows - 1)) ;; # the header row
    *) head -n 1 "$WORK/out" | jq -e . >/dev/null || die "$name: the first line is not JSON" ;;
  esac
  printf '| %-34s | %9s | %8.2f | %9.0f | %9.1f | %10.1f |\n' "$name" "$rows" \
    "$(echo "$end - $start" | bc)" "$(echo "$rows / ($end - $start)" | bc -l)" \
    "$(echo "$(du -k "$WORK/out" | cut -f1) / 1024" | bc -l)" "$(echo "$peak / 1024" | bc -l)"
}

echo
echo "commerce-gateway export benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "database $DB, merchant '$MERCHANT': $n_orders orders ($n_lines line items), $n_customers customers; server pool $POOL_SIZE"
echo "RSS of the gateway before the exports: $(echo "$(rss_kb VmRSS) / 1024" | bc) MiB"
echo
printf '| %-34s | %9s | %8s | %9s | %9s | %10s |\n' export rows seconds 'rows/s' 'body MiB' 'peak RSS MiB'
printf '|%s|%s|%s|%s|%s|%s|\n' ------------------------------------ ----------- ---------- ----------- ----------- ------------
export_one "orders (with line items), NDJSON" "/api/admin/v1/orders?format=ndjson"
export_one "orders (with line items), CSV" "/api/admin/v1/orders?format=csv"
export_one "customers, NDJSON" "/api/admin/v1/customers/bulk?format=ndjson"
echo
echo "VmHWM (the gateway's peak resident set since it started): $(echo "$(rss_kb VmHWM) / 1024" | bc) MiB"
echo "Targets: orders NDJSON ≥ 100000 rows/s; RSS < 100 MiB throughout."
