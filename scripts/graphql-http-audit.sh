#!/usr/bin/env bash
# GraphQL-over-HTTP conformance: runs the audit of the npm package `graphql-http`
# (`serverAudits`, https://github.com/graphql/graphql-http#audit-for-servers-usage) against
# the gateway and prints a summary (MUST/SHOULD/MAY × ok/warn/error, then what does not pass).
# Exits non-zero when a MUST or a SHOULD fails.
#
#   scripts/graphql-http-audit.sh
#       builds the debug binary, starts `serve --demo` on a scratch database (dropped at the
#       end) and audits it with the demo's API key;
#   AUDIT_URL=http://host:port/graphql AUDIT_TOKEN=sk_… scripts/graphql-http-audit.sh
#       audits a running server.
#
# Knobs: AUDIT_PORT (18091), AUDIT_PG (postgres://postgres@127.0.0.1:5432, the server that
# holds the scratch database), GRAPHQL_HTTP_VERSION (1.23.1), CARGO_TARGET_DIR. Needs Node 18+
# and npm (graphql-http is installed into a temporary directory, never into the repository).
set -euo pipefail
cd "$(dirname "$0")/.."

version=${GRAPHQL_HTTP_VERSION:-1.23.1}
work=$(mktemp -d)
server_pid=
scratch_db=
pg=${AUDIT_PG:-postgres://postgres@127.0.0.1:5432}

cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ -n "$scratch_db" ]; then
        psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $scratch_db" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${AUDIT_URL:-}" ]; then
    url=$AUDIT_URL
    token=${AUDIT_TOKEN:?AUDIT_TOKEN is required with AUDIT_URL}
else
    port=${AUDIT_PORT:-18091}
    scratch_db="cg_audit_$$"
    echo "building and starting serve --demo on 127.0.0.1:$port (database $scratch_db)" >&2
    cargo build -q
    binary="${CARGO_TARGET_DIR:-target}/debug/commerce-gateway"
    "$binary" serve --demo --json --bind "127.0.0.1:$port" --database-url "$pg/$scratch_db" \
        >"$work/server.log" 2>&1 &
    server_pid=$!
    token=
    for _ in $(seq 1 300); do
        token=$(grep -o '"api_key": *"sk_[^"]*"' "$work/server.log" | grep -o 'sk_[^"]*' || true)
        if [ -n "$token" ] && curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
            break
        fi
        if ! kill -0 "$server_pid" 2>/dev/null; then
            cat "$work/server.log" >&2
            echo "the server exited" >&2
            exit 1
        fi
        sleep 1
    done
    if [ -z "$token" ]; then
        tail -20 "$work/server.log" >&2
        echo "the demo printed no api_key in time" >&2
        exit 1
    fi
    url="http://127.0.0.1:$port/graphql"
fi

echo "installing graphql-http@$version into $work/npm" >&2
npm install --prefix "$work/npm" --no-audit --no-fund --loglevel=error "graphql-http@$version" >&2
node scripts/graphql-http-audit.mjs "$work/npm" "$url" "$token"
