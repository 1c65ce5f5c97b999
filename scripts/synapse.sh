#!/usr/bin/env bash
# Installs Synapse (the reference homeserver, ../shared/PEERS.md) from PyPI into a virtualenv for the
# Synapse interop test (server/.../federation/SynapseInteropTest, issue 4 acceptance 4). Idempotent and quick
# when the pinned version is already installed. `./starling test` runs it before `./mvnw -B verify`; when PyPI
# cannot be reached it fails with a message and the test skips (it runs on demand later:
# scripts/synapse.sh && ./starling mvn -pl server -am test -Dtest=SynapseInteropTest).
#
#   scripts/synapse.sh           install Synapse if missing; the last line printed is the venv's python
#   scripts/synapse.sh check     only check; exit 1 when it is missing
#
# The venv is $STARLING_SYNAPSE_VENV, by default ~/.cache/starling/synapse-venv (outside the checkout, shared by
# worktrees). The test finds it the same way (or through STARLING_SYNAPSE_PYTHON).
set -euo pipefail

SYNAPSE_VERSION=1.163.2
VENV=${STARLING_SYNAPSE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/starling/synapse-venv}
# Debian's python3 (3.11 here) has venv and ensurepip; any python3 >= 3.10 will do.
PYTHON=${STARLING_SYNAPSE_BASE_PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}

say() { echo "synapse.sh: $*" >&2; }
die() { say "$*"; exit 1; }

installed() {
  [[ -x $VENV/bin/python ]] \
    && [[ $("$VENV/bin/python" -c 'import synapse; print(synapse.__version__)' 2>/dev/null) == "$SYNAPSE_VERSION" ]]
}

mode=${1:-install}
case "$mode" in
  install | check) ;;
  *) die "usage: scripts/synapse.sh [install|check]" ;;
esac

if ! installed; then
  [[ $mode == install ]] || die "Synapse $SYNAPSE_VERSION is not installed in $VENV (run scripts/synapse.sh)"
  [[ -x $VENV/bin/python ]] || "$PYTHON" -m venv "$VENV" || die "cannot create a virtualenv in $VENV with $PYTHON"
  say "installing matrix-synapse==$SYNAPSE_VERSION from PyPI into $VENV..."
  "$VENV/bin/pip" install -q --disable-pip-version-check --timeout 30 --retries 1 "matrix-synapse==$SYNAPSE_VERSION" >&2 \
    || die "could not install matrix-synapse==$SYNAPSE_VERSION from PyPI (is PyPI reachable?); SynapseInteropTest will be skipped"
  installed || die "matrix-synapse was installed but does not import (see above)"
fi
say "Synapse $SYNAPSE_VERSION in $VENV"
echo "$VENV/bin/python"
