# Shared by the benchmark scripts that source it (bench/limits.sh, bench/exports.sh): logging,
# required tools, wrk, the release binary. Expects ROOT (the repository) to be set.

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }

# Fails unless every named tool is on the PATH.
need() { for tool in "$@"; do command -v "$tool" >/dev/null || die "$tool is required"; done; }

# Installs wrk from Debian's packages when it is missing.
ensure_wrk() {
  command -v wrk >/dev/null && return
  log "installing wrk…"
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
}

# Sets BIN: BENCH_BIN when given, else a release build of the repository.
release_bin() {
  if [ -n "${BENCH_BIN:-}" ]; then
    BIN=$BENCH_BIN
  else
    log "building the release binary…"
    cargo build --release --quiet
    BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/commerce-gateway"
  fi
  [ -x "$BIN" ] || die "no binary at $BIN"
}

# Waits up to 60 s for the gateway at base URL $1 (process $2, log $3) to be ready.
wait_ready() {
  for _ in $(seq 1 600); do
    curl -fs "$1/readyz" >/dev/null 2>&1 && return
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; die "the gateway exited"; }
    sleep 0.1
  done
  cat "$3" >&2; die "the gateway at $1 did not become ready"
}
