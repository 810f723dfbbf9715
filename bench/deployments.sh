#!/usr/bin/env bash
# The deployments list under load: 10,000 stored deployments (spread over 10 users, the benchmark
# user owning 1,000), then `GET /api/v1/deployments?limit=100` with wrk from a second process on
# 127.0.0.1, on the embedded SQLite file and on PostgreSQL. Also reports the server's RSS.
#
#   bash bench/deployments.sh [path/to/kubechart]
#   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres (default; a fresh database is made)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-${CARGO_TARGET_DIR:-${KUBECHART_CACHE_DIR:-$HOME/.cache/kubechart}/target}/release/kubechart}"
DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
STORED="${BENCH_DEPLOYMENTS:-10000}"
ADMIN_URL="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no binary at $BIN: build it with cargo build --release -p kubechart-server" >&2; exit 1; }

SERVER=""
DATA="$(mktemp -d)"
cleanup() {
  [ -n "$SERVER" ] && { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
  rm -rf "$DATA"
}
trap cleanup EXIT

run() { # run LABEL DATABASE_URL
  local label="$1" url="$2" port base
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  base="http://127.0.0.1:$port"
  rm -rf "${DATA:?}"/*
  KUBECHART_ADDR="127.0.0.1:$port" KUBECHART_DATA_DIR="$DATA" KUBECHART_DATABASE_URL="$url" \
    KUBECHART_AUTO_REGISTER_CLUSTER=false KUBECHART_LOGIN_BURST_PER_ADDRESS=1000 RUST_LOG=warn "$BIN" serve &
  SERVER=$!
  until curl -fs "$base/readyz" >/dev/null; do
    kill -0 "$SERVER" 2>/dev/null || { echo "server exited" >&2; exit 1; }
    sleep 0.05
  done
  echo "== $label"
  local seeded token
  seeded="$(python3 "$ROOT/bench/seed_deployments.py" "$base" "$STORED")"
  token="$(echo "$seeded" | tail -n 1)"
  echo "$seeded" | head -n -1
  echo "RSS with $STORED deployments stored: $(awk '/VmRSS/ {print $2 " " $3}' "/proc/$SERVER/status")"
  local script; script="$(mktemp)"
  printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$token" > "$script"
  echo "GET /api/v1/deployments?limit=100 ($CONNECTIONS connections, $DURATION):"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "$base/api/v1/deployments?limit=100" \
    | grep -E 'Requests/sec|^ +Latency|^ +50%|^ +99%|Non-2xx'
  rm -f "$script"
  echo "RSS after load: $(awk '/VmRSS/ {print $2 " " $3}' "/proc/$SERVER/status")"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
}

run "SQLite (embedded file)" "sqlite://$DATA/kubechart.db"
if psql "$ADMIN_URL" -qc 'DROP DATABASE IF EXISTS kubechart_bench' -c 'CREATE DATABASE kubechart_bench' 2>/dev/null; then
  run "PostgreSQL" "${ADMIN_URL%/*}/kubechart_bench"
  psql "$ADMIN_URL" -qc 'DROP DATABASE IF EXISTS kubechart_bench' || true
else
  echo "== PostgreSQL: not reachable at $ADMIN_URL, skipped"
fi
