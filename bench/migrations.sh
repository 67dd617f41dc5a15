#!/usr/bin/env bash
# Legacy migration benchmark of the release gateway (issue 13): one batch of BENCH_ROWS
# customers through `migrationCustomersImport` (queued, run by the server's worker), the same
# rows through PostgreSQL `COPY` into the same table, and the revert of the batch; printed side
# by side.
#
#   import  from the request's start until the batch is COMPLETED (staging, the worker's
#           chunks, every index and check), polled every 50 ms;
#   COPY    `\copy customers (…) FROM` of the same rows as CSV, into another merchant of the same
#           database (same table, indexes and constraints), timed by psql;
#   revert  `migrationRevert` of the batch until it is REVERTED (a worker's job: more than
#           1,000 rows).
#
# Environment (all optional):
#   BENCH_ROWS=100000   BENCH_BIN (a gateway binary; default: cargo build --release)
#   BENCH_PG=postgres://postgres@127.0.0.1:5432   BENCH_MIG_DB=cg_bench_migrations (dropped and
#   recreated)   BENCH_POOL_SIZE=8   CARGO_TARGET_DIR (default ./target)
#   BENCH_LOG_MS (PostgreSQL logs this database's statements slower than that many ms)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

ROWS=${BENCH_ROWS:-100000}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_MIG_DB:-cg_bench_migrations}
DB_URL="$PG/$DB"
POOL_SIZE=${BENCH_POOL_SIZE:-8}
export JWT_SECRET=${JWT_SECRET:-bench-only-jwt-secret-bench-only-jwt-secret-42}

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }
for tool in curl jq psql; do command -v "$tool" >/dev/null || die "$tool is required"; done
if [ -n "${BENCH_BIN:-}" ]; then
  BIN=$BENCH_BIN
else
  log "building the release binary…"
  cargo build --release --quiet --bin commerce-gateway
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/commerce-gateway"
fi
[ -x "$BIN" ] || die "no binary at $BIN"

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
now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

# --- data: a fresh database, two merchants (one for the import, one for COPY) ---------------------
log "recreating $DB…"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
{ "$BIN" migrate --database-url "$DB_URL" &&
  "$BIN" seed --database-url "$DB_URL" --merchant bench --customers 0 --orders 0 &&
  "$BIN" seed --database-url "$DB_URL" --merchant copy --customers 0 --orders 0; } >"$WORK/setup.log" 2>&1 ||
  { cat "$WORK/setup.log" >&2; die "migrate/seed failed"; }
COPY_ID=$(psql "$DB_URL" -Atqc "SELECT id FROM merchants WHERE slug = 'copy'")
# BENCH_LOG_MS: PostgreSQL logs the statements of this database slower than that (for analysis).
if [ -n "${BENCH_LOG_MS:-}" ]; then
  psql "$PG/postgres" -qc "ALTER DATABASE $DB SET log_min_duration_statement = ${BENCH_LOG_MS}"
fi

# The rows, once as the mutation's body and once as CSV for COPY (same values).
ROWS_SQL="SELECT 'M-' || i AS external_id, 'migrated' || i || '@legacy.example' AS email, 'Legacy' AS first_name, 'Person ' || i AS last_name, ARRAY['legacy'] AS tags, jsonb_build_object('row', i) AS metadata, timestamptz '2020-01-01 00:00:00+00' + i * interval '1 minute' AS created_at FROM generate_series(1, $ROWS) AS i"
QUERY='mutation($rows: [MigrationCustomerInput!]!) { migrationCustomersImport(rows: $rows, source: "bench") { batch { id status } userErrors { field message } } }'
cat >"$WORK/body.sql" <<SQL
SELECT json_build_object('query', :'query', 'variables', json_build_object('rows', json_agg(json_build_object(
         'externalId', r.external_id, 'email', r.email, 'firstName', r.first_name,
         'lastName', r.last_name, 'tags', r.tags, 'metadata', r.metadata, 'createdAt', r.created_at))))
FROM ($ROWS_SQL) r;
SQL
psql "$DB_URL" -Atq -v query="$QUERY" -f "$WORK/body.sql" >"$WORK/import.json"
psql "$DB_URL" -Atq -c "\\copy (SELECT $COPY_ID, r.email, r.first_name, r.last_name, r.tags, r.metadata, r.external_id, r.created_at FROM ($ROWS_SQL) r) TO '$WORK/rows.csv' CSV"
BODY_BYTES=$(stat -c %s "$WORK/import.json")

# --- server on a free port, its worker on -----------------------------------------------------------
PORT=""
for p in $(seq 18380 18480); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
done
[ -n "$PORT" ] || die "no free port in 18380–18480"
BASE="http://127.0.0.1:$PORT"
CLIENT=$("$BIN" clients create --database-url "$DB_URL" --merchant bench --name migration-bench \
  --scopes migrations:write 2>/dev/null)
RUST_LOG=warn "$BIN" serve --bind "127.0.0.1:$PORT" --database-url "$DB_URL" --pool-size "$POOL_SIZE" \
  --body-limit-bytes $((BODY_BYTES + 1048576)) --request-timeout-seconds 300 \
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

gql() { curl -fs "$BASE/graphql" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
# Polls the batch until its status is $2; prints the batch.
wait_for() {
  local q="{\"query\":\"{ migrationBatch(id: \\\"$1\\\") { status processedRows createdRows revertedRows error } }\"}"
  for _ in $(seq 1 12000); do
    local b
    b=$(gql --data-binary "$q" | jq -c .data.migrationBatch)
    case "$(jq -r .status <<<"$b")" in
      "$2") echo "$b"; return 0 ;;
      QUEUED | RUNNING | REVERTING) ;;
      *) die "the batch stopped short of $2: $b" ;;
    esac
    sleep 0.05
  done
  die "the batch never reached $2"
}

# --- import ------------------------------------------------------------------------------------------
log "importing $ROWS customers…"
t0=$(now)
answer=$(gql --data-binary @"$WORK/import.json")
BATCH=$(jq -r .data.migrationCustomersImport.batch.id <<<"$answer")
[ -n "$BATCH" ] && [ "$BATCH" != null ] || die "no batch: $answer"
t_staged=$(now)
done_batch=$(wait_for "$BATCH" COMPLETED)
t1=$(now)
[ "$(jq -r .createdRows <<<"$done_batch")" = "$ROWS" ] || die "not every row was created: $done_batch"

# --- COPY of the same rows -----------------------------------------------------------------------------
log "COPY of the same rows…"
c0=$(now)
psql "$DB_URL" -q -v ON_ERROR_STOP=1 -c "\\copy customers (merchant_id, email, first_name, last_name, tags, metadata, external_id, created_at) FROM '$WORK/rows.csv' CSV"
c1=$(now)

# --- revert ----------------------------------------------------------------------------------------------
log "reverting the batch…"
r0=$(now)
answer=$(gql --data-binary "{\"query\":\"mutation { migrationRevert(id: \\\"$BATCH\\\") { batch { status } userErrors { message } } }\"}")
[ "$(jq -r .data.migrationRevert.userErrors[0].message <<<"$answer")" = null ] || die "revert refused: $answer"
reverted=$(wait_for "$BATCH" REVERTED)
r1=$(now)
left=$(psql "$DB_URL" -Atqc "SELECT count(*) FROM customers c JOIN merchants m ON m.id = c.merchant_id WHERE m.slug = 'bench'")

import_s=$(elapsed "$t0" "$t1")
staged_s=$(elapsed "$t0" "$t_staged")
copy_s=$(elapsed "$c0" "$c1")
revert_s=$(elapsed "$r0" "$r1")
rate() { printf '%.0f' "$(echo "$ROWS / $1" | bc -l)"; }
echo
echo "commerce-gateway migration benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "database $DB (fresh), $ROWS customer rows ($((BODY_BYTES / 1024)) KiB of GraphQL body), server pool $POOL_SIZE, worker chunks of 5,000"
echo
printf '| %-58s | %9s | %9s |\n' "operation" "seconds" "rows/s"
printf '|%s|%s|%s|\n' "$(printf -- '-%.0s' $(seq 1 60))" "$(printf -- '-%.0s' $(seq 1 11))" "$(printf -- '-%.0s' $(seq 1 11))"
printf '| %-58s | %9.2f | %9s |\n' "migrationCustomersImport: request (parse, check, stage)" "$staged_s" "$(rate "$staged_s")"
printf '| %-58s | %9.2f | %9s |\n' "migrationCustomersImport: until COMPLETED" "$import_s" "$(rate "$import_s")"
printf '| %-58s | %9.2f | %9s |\n' "PostgreSQL COPY of the same rows into customers" "$copy_s" "$(rate "$copy_s")"
printf '| %-58s | %9.2f | %9s |\n' "migrationRevert of the batch until REVERTED" "$revert_s" "$(rate "$revert_s")"
echo
printf 'import / COPY rows/s: %.2f (target ≥ 0.5); revert %.2f s (target < 10 s); customers of the batch left after the revert: %s\n' \
  "$(echo "$copy_s / $import_s" | bc -l)" "$revert_s" "$left"
