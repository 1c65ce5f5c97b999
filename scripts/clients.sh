#!/usr/bin/env bash
# Installs the real Matrix clients that the test suite drives (see ../shared/PEERS.md and issue 3's
# acceptance). Idempotent: what is already installed is only checked. `./starling test` runs it before
# `./mvnw -B verify` (STARLING_SKIP_CLIENTS=1 skips it); installing needs root, as in CI.
#
#   scripts/clients.sh           install every client runtime that is missing, then check each one
#   scripts/clients.sh check     only check; exit 1 naming what is missing
#
# Clients:
#   nio        matrix-nio 0.20 with libolm (Debian python3-matrix-nio, python3-olm), run with /usr/bin/python3
#              (not a pyenv or virtualenv python3 on the PATH). Tests: server/src/test/clients/nio/.
#   js-sdk     matrix-js-sdk with Element's Rust crypto (npm) -- not yet; add install_js_sdk and check_js_sdk
#              below and list it in CLIENTS.
set -euo pipefail

PYTHON=/usr/bin/python3
CLIENTS=(nio)

say() { echo "clients.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# Debian packages, apt-get update first only when the package lists are missing or stale for them.
apt_install() {
  [[ $(id -u) == 0 ]] || die "installing $* needs root: sudo apt-get install -y $*"
  say "installing $* from Debian's packages..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "$@" >&2 \
    || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "$@" >&2; } \
    || die "apt-get install $* failed"
}

# --- matrix-nio (Python, libolm) ---
check_nio() {
  [[ -x $PYTHON ]] && "$PYTHON" -c 'import nio, olm' 2>/dev/null
}
install_nio() {
  apt_install python3-matrix-nio python3-olm
}
version_nio() {
  echo "matrix-nio $("$PYTHON" -c 'import importlib.metadata as m; print(m.version("matrix-nio"))' 2>/dev/null || echo '?')," \
    "python3-olm $(dpkg-query -W -f '${Version}' python3-olm 2>/dev/null || echo '?'), $PYTHON"
}

# --- matrix-js-sdk (npm) ---
# Later: check_js_sdk (node and server/src/test/clients/js/node_modules/matrix-js-sdk present),
# install_js_sdk (npm ci in server/src/test/clients/js with a committed package-lock.json), version_js_sdk.

mode=${1:-install}
case "$mode" in
  install | check) ;;
  *) die "usage: scripts/clients.sh [install|check]" ;;
esac

missing=()
for client in "${CLIENTS[@]}"; do
  if ! "check_$client"; then
    [[ $mode == install ]] || { missing+=("$client"); continue; }
    "install_$client"
    "check_$client" || die "$client was installed but does not load (see above)"
  fi
  say "$client: $("version_$client")"
done
((${#missing[@]} == 0)) || die "missing: ${missing[*]} (run scripts/clients.sh as root to install)"
