# Shared set-up for the run and test scripts: installs and starts what the build and the tests need
# when it is missing, and keeps build caches outside the work tree so repeated runs reuse them.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${KUBECHART_CACHE_DIR:-$HOME/.cache/kubechart}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
export npm_config_cache="${npm_config_cache:-$CACHE/npm}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

apt_updated=false
apt_install() {
  if [ "$apt_updated" = false ]; then
    apt-get update -qq
    apt_updated=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need_command() { # need_command COMMAND DEBIAN_PACKAGE
  command -v "$1" >/dev/null 2>&1 || { step "installing $2"; apt_install "$2"; }
}

build_web() {
  step "web: npm ci and build"
  (cd "$ROOT/web" && npm ci --no-audit --no-fund --prefer-offline && npm run build)
}
