#!/usr/bin/env bash
# Runs one fuzz target for a number of seconds: bash fuzz/run.sh render|kubeconfig [SECONDS]
set -euo pipefail
FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET="${1:?render or kubeconfig}"
SECONDS_TO_RUN="${2:-60}"
CORPUS="${KUBECHART_CACHE_DIR:-$HOME/.cache/kubechart}/fuzz/corpus/$TARGET"
mkdir -p "$CORPUS"
cp -n "$FUZZ/seeds/$TARGET"/* "$CORPUS"/ 2>/dev/null || true
if [ "$TARGET" = render ]; then
  for example in "$FUZZ"/../examples/*.yaml; do cp -n "$example" "$CORPUS/example-$(basename "$example")"; done
fi
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz
cd "$FUZZ"
cargo +nightly fuzz run "$TARGET" "$CORPUS" -- -max_total_time="$SECONDS_TO_RUN" -print_final_stats=1
