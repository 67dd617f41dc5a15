#!/usr/bin/env bash
# Checks that src/db/schema.rs is what `diesel print-schema` prints for the migrations: migrates
# a scratch database, prints its schema with diesel.toml's options and diffs it with the
# committed file. `--write` regenerates src/db/schema.patch and src/db/schema.rs instead (after
# adding a migration).
#
# Needs `diesel` (diesel_cli 2.3, built with `--no-default-features --features
# postgres-bundled`: .ci/run installs it) and PostgreSQL at $SCHEMA_CHECK_SERVER (default
# postgres://postgres@127.0.0.1:5432, the tests' server).
set -euo pipefail
cd "$(dirname "$0")/.."

server="${SCHEMA_CHECK_SERVER:-postgres://postgres@127.0.0.1:5432}"
db="cg_schema_check_$$_$(date +%s)"
tmp="$(mktemp -d)"
cleanup() {
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

psql "$server/postgres" -qc "CREATE DATABASE \"$db\""
# An empty configuration: with diesel.toml, `migration run` would also rewrite schema.rs.
: > "$tmp/empty.toml"
diesel migration run --database-url "$server/$db" --migration-dir migrations \
  --config-file "$tmp/empty.toml" >/dev/null

if [ "${1:-}" = "--write" ]; then
  # What diesel prints without the patch, and the same with `Array<T>` for
  # `Array<Nullable<T>>` (see diesel.toml): their difference is the patch.
  grep -v '^patch_file' diesel.toml > "$tmp/unpatched.toml"
  diesel print-schema --database-url "$server/$db" --config-file "$tmp/unpatched.toml" \
    > "$tmp/unpatched.rs"
  sed 's/Array<Nullable<\([A-Za-z0-9]*\)>>/Array<\1>/g' "$tmp/unpatched.rs" > "$tmp/patched.rs"
  diff -u --label a/src/db/schema.rs --label b/src/db/schema.rs \
    "$tmp/unpatched.rs" "$tmp/patched.rs" > src/db/schema.patch || [ $? -eq 1 ]
  diesel print-schema --database-url "$server/$db" > src/db/schema.rs
  echo "wrote src/db/schema.rs and src/db/schema.patch"
  exit 0
fi

diesel print-schema --database-url "$server/$db" > "$tmp/schema.rs"
if ! diff -u src/db/schema.rs "$tmp/schema.rs"; then
  echo "src/db/schema.rs does not match the migrations: run scripts/check-db-schema.sh --write" >&2
  exit 1
fi
echo "src/db/schema.rs matches the migrations"
