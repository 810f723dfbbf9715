#!/usr/bin/env bash
# Runs the whole test suite: formatting, lints and type checks, web unit tests, Rust tests on SQLite
# and PostgreSQL, and the end-to-end tests in headless Chromium against the release binary.
# Installs and starts what it needs (PostgreSQL, Chromium, kubectl, npm packages) when missing.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

start_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    step "installing PostgreSQL"
    apt_install postgresql
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    step "starting PostgreSQL"
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    # Tests connect over TCP as postgres without a password, as on the development machines.
    if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
      sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE test' >/dev/null
}

start_postgres
export KUBECHART_TEST_POSTGRES_URL="${KUBECHART_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
need_command chromium chromium
need_command node nodejs
need_kubectl
need_helm_sdk
need_schemathesis
# The backup tests run the documented commands (sqlite3 .backup; pg_dump and pg_restore come with
# PostgreSQL), the TLS test certificates come from openssl.
need_command sqlite3 sqlite3
need_command openssl openssl
command -v cargo-nextest >/dev/null 2>&1 || { step "installing cargo-nextest"; cargo install --locked cargo-nextest; }

build_web
step "web: type check, lint (feature boundaries, import cycles, hooks) and unit tests"
(cd web && npm run typecheck && npm run lint && npm test)

step "web: generated types match the server (OpenAPI document, AppSpec schema)"
cargo run --locked -q -p kubechart-server -- schema > web/appspec.schema.json
(cd web && npm run gen:api && npm run gen:spec)
git diff --exit-code -- web/appspec.schema.json web/src/api/spec.d.ts web/src/api/schema.d.ts \
  || { echo "generated web types are stale: run the commands above and commit the result" >&2; exit 1; }

step "rust: format and lints"
cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings

step "rust: tests (SQLite and PostgreSQL)"
cargo nextest run --locked --workspace --lib --bins --tests --no-fail-fast

step "end to end: release binary in headless Chromium"
cargo build --locked --release -p kubechart-server -p kubechart-testcluster
(cd web && KUBECHART_BIN="$CARGO_TARGET_DIR/release/kubechart" \
  KUBECHART_TESTCLUSTER_BIN="$CARGO_TARGET_DIR/release/kubechart-testcluster" npm run e2e)
