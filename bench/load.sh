#!/usr/bin/env bash
# HTTP load figures for a release build: start-up time, idle memory, and throughput/latency of the
# hot read paths, measured with wrk from a second process on 127.0.0.1 against a fresh data dir.
#
#   bash bench/load.sh [path/to/kubechart]      (default: the release binary of scripts/run.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-${CARGO_TARGET_DIR:-${KUBECHART_CACHE_DIR:-$HOME/.cache/kubechart}/target}/release/kubechart}"
DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
python3 -c "import yaml" 2>/dev/null || { echo "PyYAML is needed: pip install pyyaml" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no binary at $BIN: build it with scripts/run.sh or cargo build --release" >&2; exit 1; }

DATA="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA" "${SCRIPTS:-}"; }
trap cleanup EXIT

echo "binary: $BIN ($(du -h "$BIN" | cut -f1))"
started=$(date +%s%N)
# The login throttle is opened wide so that the login figure measures Argon2id behind its semaphore.
KUBECHART_LOGIN_BURST_PER_ADDRESS=1000000 KUBECHART_LOGIN_BURST_PER_USERNAME=1000000 \
  KUBECHART_ADDR="127.0.0.1:$PORT" KUBECHART_DATA_DIR="$DATA" RUST_LOG=warn "$BIN" serve &
SERVER=$!
until curl -fs "$BASE/readyz" >/dev/null; do
  kill -0 "$SERVER" 2>/dev/null || { echo "server exited" >&2; exit 1; }
  sleep 0.02
done
echo "start-up to ready (fresh SQLite, migrations, secrets): $(( ($(date +%s%N) - started) / 1000000 )) ms"
echo "idle RSS: $(awk '/VmRSS/ {print $2 " " $3}' "/proc/$SERVER/status")"

TOKEN="$(curl -fs "$BASE/api/v1/auth/register" -H 'content-type: application/json' \
  -d '{"username":"bench","email":"bench@example.com","password":"bench-password-123"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
SCRIPTS="$(mktemp -d)"
cat > "$SCRIPTS/me.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
# The render request the form sends on each keystroke: an example AppSpec as JSON.
python3 - "$ROOT/examples/web-ingress.yaml" "$TOKEN" > "$SCRIPTS/render.lua" <<'PY'
import json, sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
body = json.dumps({"spec": spec})
print('wrk.method = "POST"')
print('wrk.headers["Content-Type"] = "application/json"')
print(f'wrk.headers["Authorization"] = "Bearer {sys.argv[2]}"')
print(f"wrk.body = {json.dumps(body)}")
PY
cat > "$SCRIPTS/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"bench","password":"bench-password-123"}'
LUA
echo
load() { # load LABEL PATH [wrk script]
  echo "== $1 ($CONNECTIONS connections, $DURATION)"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency ${3:+-s "$3"} "$BASE$2" \
    | grep -E 'Requests/sec|^ +Latency|^ +50%|^ +99%|Non-2xx'
}
load "GET /healthz" /healthz
load "GET /api/v1/auth/me (token check + account lookup)" /api/v1/auth/me "$SCRIPTS/me.lua"
load "POST /api/v1/render (examples/web-ingress.yaml)" /api/v1/render "$SCRIPTS/render.lua"
load "POST /api/v1/auth/login (Argon2id, one hash per core at a time)" /api/v1/auth/login "$SCRIPTS/login.lua"
echo "RSS after load: $(awk '/VmRSS/ {print $2 " " $3}' "/proc/$SERVER/status")"
