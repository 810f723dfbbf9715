#!/usr/bin/env bash
# A longer Schemathesis run than the test suite's: a release (or given) server on a fresh data dir,
# a signed-in member, every operation of the served OpenAPI document with every check, for a time
# budget. Needs `pip install schemathesis`.
#
#   bash bench/schemathesis.sh [path/to/kubechart] [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-${CARGO_TARGET_DIR:-${KUBECHART_CACHE_DIR:-$HOME/.cache/kubechart}/target}/release/kubechart}"
BUDGET="${2:-600}"
WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
KUBECHART_LOGIN_BURST_PER_ADDRESS=100000 KUBECHART_LOGIN_BURST_PER_USERNAME=100000 RUST_LOG=warn \
  "$BIN" serve --addr "127.0.0.1:$PORT" --data-dir "$WORK" --auto-register-cluster false &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
until curl -fs "$BASE/readyz" >/dev/null; do sleep 0.1; done
register() {
  curl -fs -X POST "$BASE/api/v1/auth/register" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"email\":\"$1@example.com\",\"password\":\"$1-long-password\"}" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
register root >/dev/null
TOKEN="$(register member)"
NO_COLOR=1 st --config-file "$ROOT/schemathesis.toml" run "$BASE/api/docs/openapi.json" \
  --checks all --max-time "$BUDGET" --workers 2 --suppress-health-check all \
  --header "Authorization: Bearer $TOKEN"
