#!/usr/bin/env bash
# Write benchmark of the release gateway: bulk mutations over HTTP GraphQL, timed by a small Rust
# client (examples/write_bench.rs).
#
# Builds the release binary and the client, recreates a dedicated database (merchant `bench`:
# the seed's reference data plus BENCH_PRICES variants to price), starts the server on a free
# port, takes a JWT (authentication then costs no SQL statement) and runs the client, which
# prints one table row per measurement:
#   customersCreate of 1,000 customers in one mutation (p50 over BENCH_RUNS runs);
#   BENCH_CUSTOMERS customers through repeated 1,000-row mutations, for each client count of
#   BENCH_CLIENTS (rows/s over the wall-clock time);
#   pricesUpsert of BENCH_PRICES prices in one call, creating (a new currency each run), then
#   updating the same prices by key (p50 over BENCH_PRICE_RUNS runs); the same through Spree's
#   POST /api/v3/admin/prices/bulk_upsert (in other currencies).
#
# Environment (all optional):
#   BENCH_RUNS=7  BENCH_CUSTOMERS=100000  BENCH_CLIENTS="1 2 4"  BENCH_PRICES=10000  BENCH_PRICE_RUNS=3
#   BENCH_PG=postgres://postgres@127.0.0.1:5432   BENCH_WRITES_DB=cg_bench_writes (dropped and recreated)
#   BENCH_POOL_SIZE=16 (server pool)   CARGO_TARGET_DIR (default ./target)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_WRITES_DB:-cg_bench_writes}
DB_URL="$PG/$DB"
MERCHANT=bench
PRICES=${BENCH_PRICES:-10000}
POOL_SIZE=${BENCH_POOL_SIZE:-16}
export JWT_SECRET=${JWT_SECRET:-bench-only-jwt-secret-bench-only-jwt-secret-42}
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/commerce-gateway"
CLIENT_BIN="$TARGET/release/examples/write_bench"

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }
for tool in curl jq psql; do command -v "$tool" >/dev/null || die "$tool is required"; done

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

log "building the release binary and the benchmark client…"
cargo build --release --quiet --bin commerce-gateway --example write_bench
[ -x "$BIN" ] && [ -x "$CLIENT_BIN" ] || die "no binaries under $TARGET/release (set CARGO_TARGET_DIR)"

# --- data: a fresh database every run, so runs compare ------------------------------------------
log "recreating $DB…"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
{ "$BIN" migrate --database-url "$DB_URL" &&
  "$BIN" seed --database-url "$DB_URL" --merchant "$MERCHANT" --customers 0 --orders 0; } >"$WORK/setup.log" 2>&1 ||
  { cat "$WORK/setup.log" >&2; die "migrate/seed failed"; }
MERCHANT_ID=$(psql "$DB_URL" -Atqc "SELECT id FROM merchants WHERE slug = '$MERCHANT'")
# Variants to price: one product with 10 variants per 10 prices.
psql "$DB_URL" -q -v ON_ERROR_STOP=1 <<SQL >/dev/null
INSERT INTO products (merchant_id, name, slug)
SELECT $MERCHANT_ID, 'Bench product ' || g, 'bench-product-' || g FROM generate_series(1, ceil($PRICES / 10.0)::int) AS g;
INSERT INTO variants (merchant_id, product_id, sku, options_text, position)
SELECT p.merchant_id, p.id, p.slug || '-' || s, 'Option ' || s, s
FROM products p CROSS JOIN generate_series(0, 9) AS s
WHERE p.merchant_id = $MERCHANT_ID AND p.slug LIKE 'bench-product-%';
ANALYZE products, variants, prices, customers;
SQL

# --- server on a free port ----------------------------------------------------------------------
PORT=""
for p in $(seq 18180 18280); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
done
[ -n "$PORT" ] || die "no free port in 18180–18280"
BASE="http://127.0.0.1:$PORT"
CLIENT=$("$BIN" clients create --database-url "$DB_URL" --merchant "$MERCHANT" --name write-bench \
  --scopes customers:read,customers:write,pricing:read,pricing:write,catalog:read 2>/dev/null)
RUST_LOG=warn "$BIN" serve --bind "127.0.0.1:$PORT" --database-url "$DB_URL" --pool-size "$POOL_SIZE" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  curl -fs "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server exited"; }
  sleep 0.1
done
curl -fs "$BASE/readyz" >/dev/null || die "the server is not ready"
TOKEN=$(curl -fs "$BASE/oauth/token" -d grant_type=client_credentials \
  --data-urlencode "client_id=$(jq -r .client_id <<<"$CLIENT")" \
  --data-urlencode "client_secret=$(jq -r .client_secret <<<"$CLIENT")" | jq -r .access_token)
[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || die "no token"

echo
echo "commerce-gateway write benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "database $DB (fresh): merchant '$MERCHANT' (id $MERCHANT_ID), $PRICES variants to price; server pool $POOL_SIZE"
echo
GATEWAY_URL="$BASE" TOKEN="$TOKEN" "$CLIENT_BIN"
echo "customers in $DB after the run: $(psql "$DB_URL" -Atqc "SELECT count(*) FROM customers WHERE merchant_id = $MERCHANT_ID")"
