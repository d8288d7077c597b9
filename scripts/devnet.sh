#!/usr/bin/env bash
# npm run devnet: the whole interop network on this machine, no Docker.
#
#   1. installs dependencies if missing, generates the Prisma client, builds the circuits of every epoch shape (the
#      first run on a machine: a few minutes, announced up front; then cached for every clone)
#   2. starts what is not running yet: Kafka, Postgres (+ a fresh `interop_devnet` database)
#   3. runs scripts/devnet/main.ts in the foreground: anvil L1 900 (8545) + L2s 901 (8546) and 902 (8547), the
#      contracts, hub (3000), chain apps (3100, 3101), bridge (3001) and a prover worker as processes (logs in
#      .devnet/logs/), chain registration, the bridging demo with live status timelines, epochs, balances and the
#      fee report, then the table of endpoints; `.devnet/env` is written for the `interop` CLI
#   Ctrl-C stops everything this script started (and only that); a second run starts clean.
#
# Env: DEVNET_DB_NAME (interop_devnet), INFRA_DIR (scripts/infra), KAFKA_BROKERS (use that cluster instead of a
#      local broker), DEVNET_PORTS=free (free ports instead of the fixed ones), DEVNET_EXIT_AFTER_DEMO=1 (stop after
#      the demo), DEVNET_DIR (.devnet: env file for the CLI, pids, logs), LOG_LEVEL (info).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DEVNET_DIR="${DEVNET_DIR:-$ROOT/.devnet}"
export DEVNET_DIR
PID_FILE="$DEVNET_DIR/pids"
INFRA_DIR="${INFRA_DIR:-$ROOT/scripts/infra}"
DB_NAME="${DEVNET_DB_NAME:-interop_devnet}"
export LOG_LEVEL="${LOG_LEVEL:-info}"

say() { printf '\033[1m[devnet]\033[0m %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

STARTED_KAFKA=0
STARTED_POSTGRES=0
cleanup() {
  trap '' INT TERM
  if [ "$STARTED_KAFKA" = 1 ]; then bash "$INFRA_DIR/kafka.sh" stop >/dev/null || say "kafka.sh stop failed"; fi
  if [ "$STARTED_POSTGRES" = 1 ]; then bash "$INFRA_DIR/postgres.sh" stop >/dev/null || say "postgres.sh stop failed"; fi
}
trap cleanup EXIT
# Ctrl-C reaches main.ts too (same process group): it stops the apps and anvil, then this script stops the infra.
trap ':' INT TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A previous run that died without cleanup (kill -9, closed terminal) left its apps and anvil nodes holding the
# ports: stop them, but only processes that are still ours (command line checked), never whatever reused the pid.
stop_stale() {
  [ -f "$PID_FILE" ] || return 0
  local pid name
  while read -r pid name; do
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -Eq "apps/[a-z]+/src/main|anvil"; then
      say "stopping $name left over from a previous run (pid $pid)"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done <"$PID_FILE"
  rm -f "$PID_FILE"
}

# 1. dependencies and generated code
mkdir -p "$DEVNET_DIR"
if [ ! -x node_modules/.bin/tsx ] || [ ! -d node_modules/@prisma/client ]; then
  say "installing dependencies"
  bash scripts/install-deps.sh
fi
if [ ! -f prisma/generated/client.ts ] || [ prisma/schema.prisma -nt prisma/generated/client.ts ]; then
  say "generating the Prisma client"
  bash scripts/prisma-generate.sh >/dev/null
fi
# The circuits of every epoch shape: a fresh machine's first run builds them (it says up front how long that takes;
# about 4-5 minutes on 2 cores), later runs and other clones find them in the per-machine cache in seconds.
say "circuits: checking the epoch shapes' proving keys"
npx --no-install tsx scripts/build-circuits.ts || die "the circuit build failed (see above)"
stop_stale
if [ "${DEVNET_PORTS:-fixed}" = fixed ]; then
  for port in 8545 8546 8547 3000 3001 3100 3101; do
    port_open "$port" && die "port $port is taken by another process (stop it, or run with DEVNET_PORTS=free)"
  done
fi

# 2. infrastructure: reuse what runs, start what does not
if [ -n "${KAFKA_BROKERS:-}" ]; then
  say "Kafka: using KAFKA_BROKERS=$KAFKA_BROKERS"
else
  bash "$INFRA_DIR/kafka.sh" status >/dev/null 2>&1 || STARTED_KAFKA=1
  [ "$STARTED_KAFKA" = 1 ] && say "Kafka: starting a broker (the first run fetches its jars from Maven Central)"
  KAFKA_BROKERS="$(bash "$INFRA_DIR/kafka.sh" start | sed -n 's/^KAFKA_BROKERS=//p' | tail -n1)"
  [ -n "$KAFKA_BROKERS" ] || die "kafka.sh start printed no KAFKA_BROKERS"
fi
export KAFKA_BROKERS

# postgres.sh stops only a throwaway cluster it started itself; this run stops it only if this run started it.
PG_MARKER_GLOB="$ROOT/.cache/pg/started-by-script-*"
# shellcheck disable=SC2086
had_marker="$(ls $PG_MARKER_GLOB 2>/dev/null || true)"
PG_ADMIN_URL="$(bash "$INFRA_DIR/postgres.sh" ensure | tail -n1)"
[ -n "$PG_ADMIN_URL" ] || die "postgres.sh ensure printed no URL"
# shellcheck disable=SC2086
[ -z "$had_marker" ] && [ -n "$(ls $PG_MARKER_GLOB 2>/dev/null || true)" ] && STARTED_POSTGRES=1
export POSTGRES_ADMIN_URL="$PG_ADMIN_URL"
# createdb drops the database first: the anvil chains start empty on every run, so rows from an earlier run
# (registered chains, epochs) would describe chains that no longer exist.
DATABASE_URL="$(bash "$INFRA_DIR/postgres.sh" createdb "$DB_NAME" | tail -n1)"
[ -n "$DATABASE_URL" ] || die "postgres.sh createdb printed no URL"
export DATABASE_URL

# 3. the network and the demo (foreground; its exit status is the devnet's)
set +e
npx --no-install tsx scripts/devnet/main.ts
status=$?
set -e
exit "$status"
