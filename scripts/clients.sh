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
#   js_sdk     matrix-js-sdk with Element's Rust crypto (@matrix-org/matrix-sdk-crypto-wasm), run with the `node`
#              on the PATH (>= 18; Debian's nodejs and npm are installed if it is missing or older). The exact
#              versions are pinned by server/src/test/clients/js/package-lock.json and installed there with
#              `npm ci` (node_modules is not committed). Tests: server/src/test/clients/js/.
set -euo pipefail

PYTHON=/usr/bin/python3
JS_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)/server/src/test/clients/js
NODE_MIN_MAJOR=18
CLIENTS=(nio js_sdk)

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

# --- matrix-js-sdk (npm, Rust crypto as WebAssembly) ---
node_ok() {
  command -v node >/dev/null 2>&1 \
    && (($(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0) >= NODE_MIN_MAJOR))
}
# node is new enough, node_modules holds exactly the locked matrix-js-sdk and crypto-wasm, and both load.
check_js_sdk() {
  node_ok && [[ -d $JS_DIR/node_modules ]] && (cd "$JS_DIR" && node --input-type=module -e '
    import { readFileSync } from "node:fs";
    const lock = JSON.parse(readFileSync("package-lock.json", "utf8")).packages;
    for (const name of ["matrix-js-sdk", "@matrix-org/matrix-sdk-crypto-wasm"]) {
      const installed = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")).version;
      if (installed !== lock[`node_modules/${name}`].version) throw new Error(`${name} ${installed} is not the locked version`);
    }
    await import("matrix-js-sdk");
    await import("@matrix-org/matrix-sdk-crypto-wasm");
  ' 2>/dev/null)
}
install_js_sdk() {
  node_ok || apt_install nodejs
  command -v npm >/dev/null 2>&1 || apt_install npm
  node_ok || die "node >= $NODE_MIN_MAJOR is needed; found $(node --version 2>/dev/null || echo none)"
  say "installing matrix-js-sdk with npm ci in $JS_DIR..."
  (cd "$JS_DIR" && npm ci --no-audit --no-fund >&2) || die "npm ci in $JS_DIR failed"
}
version_js_sdk() {
  (cd "$JS_DIR" && node -p '["matrix-js-sdk", "@matrix-org/matrix-sdk-crypto-wasm"]
      .map((n) => n + " " + require(`./node_modules/${n}/package.json`).version).join(", ")' 2>/dev/null || echo '?') \
    | tr -d '\n'
  echo ", node $(node --version 2>/dev/null || echo '?') ($(command -v node))"
}

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
