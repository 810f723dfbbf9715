#!/usr/bin/env bash
# Live status latency: the test cluster and a release server, one deployed app, 1,000 WebSocket
# clients subscribed to it, then a change made in the cluster (a scale through its API) and the time
# until each client has the resulting `status` message (p50, p99, last). Also the server's RSS with
# the sockets open and, when BENCH_DEPLOYMENTS is set, that many stored deployments.
#
#   bash bench/live.sh [path/to/kubechart] [path/to/kubechart-testcluster]
#   BENCH_CLIENTS=1000 BENCH_ROUNDS=5 BENCH_DEPLOYMENTS=10000
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-${KUBECHART_CACHE_DIR:-$HOME/.cache/kubechart}/target}/release"
BIN="${1:-$TARGET/kubechart}"
CLUSTER_BIN="${2:-$TARGET/kubechart-testcluster}"
for binary in "$BIN" "$CLUSTER_BIN"; do
  [ -x "$binary" ] || { echo "no binary at $binary: cargo build --release -p kubechart-server -p kubechart-testcluster" >&2; exit 1; }
done
python3 -c "import websockets, yaml" 2>/dev/null || { echo "the websockets and PyYAML packages are needed: pip install websockets pyyaml" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || true

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

CLUSTER_PORT="$(free_port)"
KUBECONFIG="$WORK/kubeconfig" RUST_LOG=warn "$CLUSTER_BIN" --listen "127.0.0.1:$CLUSTER_PORT" \
  --kubeconfig "$WORK/kubeconfig" --ready-delay-ms 200 &
PIDS+=($!)
until [ -s "$WORK/kubeconfig" ]; do sleep 0.05; done

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
HOME="$WORK" KUBECONFIG="$WORK/kubeconfig" KUBECHART_ADDR="127.0.0.1:$PORT" KUBECHART_DATA_DIR="$WORK/data" \
  KUBECHART_LOGIN_BURST_PER_ADDRESS=1000 RUST_LOG=warn "$BIN" serve &
SERVER=$!
PIDS+=("$SERVER")
until curl -fs "$BASE/readyz" >/dev/null; do
  kill -0 "$SERVER" 2>/dev/null || { echo "server exited" >&2; exit 1; }
  sleep 0.05
done
echo "idle RSS: $(awk '/VmRSS/ {print $2 " " $3}' "/proc/$SERVER/status")"
if [ -n "${BENCH_DEPLOYMENTS:-}" ]; then
  python3 "$ROOT/bench/seed_deployments.py" "$BASE" "$BENCH_DEPLOYMENTS" | head -n 1
  echo "RSS with $BENCH_DEPLOYMENTS deployments stored: $(awk '/VmRSS/ {print $2 " " $3}' "/proc/$SERVER/status")"
fi
KUBECONFIG="$WORK/kubeconfig" python3 "$ROOT/bench/live_latency.py" "$BASE" "$SERVER" \
  "${BENCH_CLIENTS:-1000}" "${BENCH_ROUNDS:-5}"
