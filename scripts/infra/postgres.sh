#!/usr/bin/env bash
# PostgreSQL for development and tests, no Docker.
#
#   scripts/infra/postgres.sh ensure          print (stdout) the URL of a reachable server, in this order:
#                                             1. DATABASE_URL if set and reachable
#                                             2. postgresql://postgres@127.0.0.1:5432/postgres (a local server, trust auth)
#                                             3. a throwaway cluster started here in .cache/pg on port PG_PORT (55432),
#                                                installing Debian's `postgresql` package first if initdb is missing
#   scripts/infra/postgres.sh createdb NAME   (re)create database NAME (dropped first if it exists) on that server and
#                                             print its URL
#   scripts/infra/postgres.sh dropdb NAME     drop database NAME if it exists
#   scripts/infra/postgres.sh stop            stop the throwaway cluster if this script started it (never another one)
#   scripts/infra/postgres.sh status          which server `ensure` would use, without starting one
#
# Env: DATABASE_URL, PG_LOCAL_URL (default postgresql://postgres@127.0.0.1:5432/postgres), PG_PORT (55432),
# PG_START_TIMEOUT (s, 60). See docs/operations-infra.md.
set -euo pipefail
INFRA_NAME=postgres
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_LOCAL_URL="${PG_LOCAL_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
PG_PORT="${PG_PORT:-55432}"
PG_START_TIMEOUT="${PG_START_TIMEOUT:-60}"
PG_DIR="${INFRA_ROOT}/.cache/pg"
PG_DATA="${PG_DIR}/data-${PG_PORT}"
PG_LOG="${PG_DIR}/postgres-${PG_PORT}.log"
# Present only while a cluster started by this script runs: `stop` never touches a server it did not start.
PG_MARKER="${PG_DIR}/started-by-script-${PG_PORT}"
THROWAWAY_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"

usage() { usage_of "${BASH_SOURCE[0]}"; }

# reachable URL: the server accepts connections and runs a query with these credentials.
reachable() {
  local url="$1"
  command -v psql >/dev/null || return 1
  PGCONNECT_TIMEOUT=3 psql "$url" -X -q -A -t -c 'select 1' >/dev/null 2>&1
}

pg_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$dir" ] && [ -x "${dir}/initdb" ] && echo "$dir"
}

install_server() {
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL server binaries missing and not root: install the 'postgresql' package"
  log "installing Debian's postgresql package (apt-get) ..."
  local t0
  t0="$(now_ms)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  # The package's own cluster (pg_createcluster) is not wanted: ours lives in .cache/pg. Starting services is
  # refused in containers anyway.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  log "installed in $(($(now_ms) - t0)) ms"
}

# Runs a server binary as the `postgres` user when we are root (initdb and postgres refuse to run as root).
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_DIR" --shell /usr/sbin/nologin postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_throwaway() {
  local bin started
  started="$(now_ms)"
  bin="$(pg_bin_dir || true)"
  if [ -z "$bin" ]; then
    install_server
    bin="$(pg_bin_dir)" || die "initdb still missing after installing postgresql"
  fi
  if [ -f "$PG_MARKER" ] && pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && reachable "$THROWAWAY_URL"; then
    log "throwaway cluster already running on port ${PG_PORT}: reusing it"
    echo "$THROWAWAY_URL"
    return 0
  fi
  port_listening "$PG_PORT" && die "port ${PG_PORT} is taken by another process (set PG_PORT)"
  rm -rf "$PG_DATA" "$PG_MARKER"
  mkdir -p "$PG_DIR"
  [ "$(id -u)" -eq 0 ] && { id postgres >/dev/null 2>&1 || as_pg_user true; } && chown postgres "$PG_DIR"
  log "initdb ${PG_DATA#"${INFRA_ROOT}"/} ($("${bin}/postgres" --version)) ..."
  as_pg_user "${bin}/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >"${PG_DIR}/initdb.log" 2>&1 ||
    {
      cat "${PG_DIR}/initdb.log" >&2
      die "initdb failed"
    }
  # Throwaway data: durability settings off make migrations and tests faster; the socket lives in our dir so we
  # need no write access to /var/run/postgresql.
  local opts="-c listen_addresses=127.0.0.1 -p ${PG_PORT} -k ${PG_DIR} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
  log "starting the cluster on 127.0.0.1:${PG_PORT} ..."
  as_pg_user "${bin}/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -o "$opts" -w -t "$PG_START_TIMEOUT" start >&2 || {
    tail -n 30 "$PG_LOG" >&2 || true
    die "pg_ctl start failed (log: ${PG_LOG})"
  }
  echo "$PG_PORT" >"$PG_MARKER"
  reachable "$THROWAWAY_URL" || die "cluster started but does not answer on ${THROWAWAY_URL}"
  log "ready in $(($(now_ms) - started)) ms; log: ${PG_LOG#"${INFRA_ROOT}"/}"
  echo "$THROWAWAY_URL"
}

# Prints the URL of a reachable server (starting the throwaway one if needed). With `--no-start`, fails instead.
resolve_url() {
  local no_start="${1:-}"
  if [ -n "${DATABASE_URL:-}" ]; then
    if reachable "$DATABASE_URL"; then
      log "using DATABASE_URL ($(redact "$DATABASE_URL"))"
      echo "$DATABASE_URL"
      return 0
    fi
    log "DATABASE_URL ($(redact "$DATABASE_URL")) is not reachable: trying the local server"
  fi
  if reachable "$PG_LOCAL_URL"; then
    log "using the local server ($(redact "$PG_LOCAL_URL"))"
    echo "$PG_LOCAL_URL"
    return 0
  fi
  if [ -f "$PG_MARKER" ] && reachable "$THROWAWAY_URL"; then
    log "using the throwaway cluster on port ${PG_PORT}"
    echo "$THROWAWAY_URL"
    return 0
  fi
  [ "$no_start" = "--no-start" ] && return 1
  log "no server reachable at ${PG_LOCAL_URL}: starting a throwaway cluster"
  start_throwaway
}

# user:password@ -> user:***@ for logs.
redact() { sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$1"; }

# with_database URL NAME: the same server and credentials, database NAME, query string kept.
with_database() {
  local url="$1" name="$2" scheme rest query=""
  scheme="${url%%://*}"
  rest="${url#*://}"
  if [[ "$rest" == *\?* ]]; then
    query="?${rest#*\?}"
    rest="${rest%%\?*}"
  fi
  rest="${rest%%/*}"
  echo "${scheme}://${rest}/${name}${query}"
}

check_name() {
  [[ "${1:-}" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "database name must match [a-z_][a-z0-9_]* (got '${1:-}')"
}

cmd_createdb() {
  local name="${1:-}" base
  check_name "$name"
  base="$(resolve_url)"
  # FORCE: a previous run killed mid-test may have left connections open.
  PGOPTIONS="-c client_min_messages=warning" psql "$base" -X -q -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS \"${name}\" WITH (FORCE)" \
    -c "CREATE DATABASE \"${name}\"" >&2
  log "database ${name} created"
  with_database "$base" "$name"
}

cmd_dropdb() {
  local name="${1:-}" base
  check_name "$name"
  base="$(resolve_url --no-start)" || {
    log "no server reachable: nothing to drop"
    return 0
  }
  PGOPTIONS="-c client_min_messages=warning" psql "$base" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"${name}\" WITH (FORCE)" >&2
  log "database ${name} dropped"
}

cmd_stop() {
  if [ ! -f "$PG_MARKER" ]; then
    log "no cluster started by this script on port ${PG_PORT}: nothing to stop"
    return 0
  fi
  local bin
  bin="$(pg_bin_dir)" || die "pg_ctl not found"
  if [ -f "${PG_DATA}/postmaster.pid" ]; then
    log "stopping the throwaway cluster on port ${PG_PORT} ..."
    as_pg_user "${bin}/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >&2 || log "pg_ctl stop failed (log: ${PG_LOG})"
  fi
  wait_port_free "$PG_PORT" 10 || log "warning: port ${PG_PORT} still in use"
  rm -rf "$PG_DATA" "$PG_MARKER"
  log "stopped; data removed"
}

cmd_status() {
  local url
  if url="$(resolve_url --no-start 2>/dev/null)"; then
    echo "reachable $(redact "$url")"
  else
    echo "none reachable (ensure would start a throwaway cluster on port ${PG_PORT})"
    return 3
  fi
}

case "${1:-}" in
ensure) resolve_url ;;
createdb) cmd_createdb "${2:-}" ;;
dropdb) cmd_dropdb "${2:-}" ;;
stop) cmd_stop ;;
status) cmd_status ;;
-h | --help | help) usage ;;
*)
  usage
  exit 2
  ;;
esac
