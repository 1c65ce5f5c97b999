#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite: every store test runs on SQLite and on PostgreSQL.
#
#   scripts/postgres.sh start     install PostgreSQL from Debian's package if missing (needs root), create
#                                 the cluster if missing, start it if stopped, create the database
#                                 starling_test; print its JDBC URL on stdout. Idempotent.
#   scripts/postgres.sh status    print the JDBC URL and exit 0 if the cluster runs, exit 1 if not
#   scripts/postgres.sh stop      stop the cluster (its files stay for the next start)
#   scripts/postgres.sh destroy   stop the cluster and delete its files
#
# The cluster listens on 127.0.0.1 only, on the first free port from 55432, with trust authentication (a
# test database: no passwords, fsync off). Run as root (as CI does), it belongs to the `postgres` user;
# otherwise to the caller. One cluster per checkout, so that worktrees on one machine do not collide.
#
# Environment: STARLING_PG_DIR (the cluster's directory; default /tmp/starling-pg-<uid>-<checkout hash>),
# STARLING_PG_PORT (the first port to try; default 55432).
set -euo pipefail
ROOT=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
DIR=${STARLING_PG_DIR:-/tmp/starling-pg-$(id -u)-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)}
DATA=$DIR/data
DB=starling_test

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# The newest installed server's bin directory (Debian keeps initdb and pg_ctl off the PATH).
bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x $d/initdb && -x $d/pg_ctl ]] && { echo "$d"; return 0; }
  done
  d=$(command -v initdb 2>/dev/null) && { dirname -- "$d"; return 0; }
  return 1
}

install_postgres() {
  bindir >/dev/null && return 0
  [[ $(id -u) == 0 ]] || die "PostgreSQL is not installed and installing it needs root: sudo apt-get install -y postgresql"
  say "installing PostgreSQL from Debian's package..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q postgresql >&2 || { apt-get update -q >&2 && apt-get install -y -q postgresql >&2; }
  bindir >/dev/null || die "PostgreSQL was installed but no initdb was found under /usr/lib/postgresql/*/bin"
}

# Runs a command as the cluster's owner: `postgres` when we are root (the server refuses to run as root).
as_owner() {
  if [[ $(id -u) == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() { [[ -d $DATA ]] && as_owner "$(bindir)/pg_ctl" status -D "$DATA" >/dev/null 2>&1; }
port() { cat "$DIR/port"; }
url() { echo "jdbc:postgresql://127.0.0.1:$(port)/$DB?user=postgres"; }
port_free() { ! (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

lock() {
  mkdir -p "$DIR"
  [[ $(id -u) == 0 ]] && chown postgres:postgres "$DIR"
  chmod 700 "$DIR"
  exec 9>"$DIR.lock"
  flock 9
}

start() {
  install_postgres
  lock
  local bin
  bin=$(bindir)
  if [[ ! -f $DATA/PG_VERSION ]]; then
    say "creating a cluster in $DATA"
    as_owner "$bin/initdb" -D "$DATA" -U postgres --auth=trust --no-locale -E UTF8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
  fi
  if ! running; then
    # Another cluster (a second checkout, started at the same moment) may take the port between the check and
    # the bind: then the next free port is tried, a few times.
    local p=${STARLING_PG_PORT:-55432} attempt
    for attempt in 1 2 3 4 5; do
      until port_free "$p"; do
        ((p < 65535)) || die "no free port from ${STARLING_PG_PORT:-55432}"
        p=$((p + 1))
      done
      echo "$p" >"$DIR/port"
      say "starting $("$bin/pg_ctl" --version | sed 's/^pg_ctl (\(.*\)) \([^ ]*\).*/\1 \2/') on 127.0.0.1:$p"
      rm -f "$DIR/server.log"
      if as_owner "$bin/pg_ctl" start -D "$DATA" -l "$DIR/server.log" -w -t 60 -o \
        "-c listen_addresses=127.0.0.1 -p $p -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        >&2 9>&-; then
        break
      fi
      if ((attempt < 5)) && grep -q "could not bind\|could not create any TCP/IP sockets" "$DIR/server.log"; then
        say "port $p was taken meanwhile; trying the next one"
        p=$((p + 1))
        continue
      fi
      tail -n 30 "$DIR/server.log" >&2 || true
      die "PostgreSQL did not start"
    done
  fi
  local psql=("$bin/psql" -h 127.0.0.1 -p "$(port)" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [[ $("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") != 1 ]]; then
    "${psql[@]}" -c "CREATE DATABASE $DB" >/dev/null
  fi
  url
}

stop() {
  [[ -d $DATA ]] || return 0
  if running; then
    as_owner "$(bindir)/pg_ctl" stop -D "$DATA" -m fast -w >&2 9>&-
  fi
}

case "${1:-}" in
  start) start ;;
  status) if running; then url; else exit 1; fi ;;
  stop) bindir >/dev/null && stop ;;
  destroy) if bindir >/dev/null; then stop; fi; rm -rf -- "$DIR" "$DIR.lock" ;;
  *) die "usage: scripts/postgres.sh start|status|stop|destroy" ;;
esac
