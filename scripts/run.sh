#!/usr/bin/env bash
# Builds everything (web app included) and starts KubeChart on the embedded defaults:
# an SQLite database and generated secrets in ./data, listening on http://127.0.0.1:8080.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_command node nodejs
build_web
step "server: release build"
cargo build --release --locked -p kubechart-server --manifest-path "$ROOT/Cargo.toml"
step "starting: open http://${KUBECHART_ADDR:-127.0.0.1:8080}"
exec "$CARGO_TARGET_DIR/release/kubechart" serve "$@"
