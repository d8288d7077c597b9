#!/usr/bin/env bash
# npm run devnet: the whole interop network on this machine, no Docker.
#
#   1. installs dependencies if missing, generates the Prisma client
#   2. starts what is not running yet: Kafka (+ topics), Postgres (+ a fresh `interop_devnet` database, migrated),
#      anvil nodes (L1 900 on 8545, L2 alpha 901 on 8546, L2 beta 902 on 8547)
#   3. runs scripts/devnet/before-apps/*.ts (later: deploy contracts; they may append KEY=value lines to
#      $DEVNET_ENV_FILE, which the apps then receive as environment)
#   4. builds and starts hub, chain 901, chain 902 and bridge in the background (logs in .devnet/logs/)
#   5. waits until every /health is green, runs scripts/devnet/after-apps/*.ts (later: register chains, bridging
#      demo; the last one prints the table of endpoints), then stays in the foreground
#   Ctrl-C stops everything this script started (and only that); a second run starts clean.
#
# Env: DEVNET_SKIP_BUILD=1 (reuse dist/), DEVNET_HEALTH_TIMEOUT (s, 120), DEVNET_DB_NAME (interop_devnet), INFRA_DIR (scripts/infra),
#      HUB_PORT (3000), BRIDGE_PORT (3001), CHAIN_PORT_BASE (3100; chain app i listens on base + i),
#      L1_RPC_URL, L2_ALPHA_RPC_URL, L2_BETA_RPC_URL (the anvil nodes), LOG_LEVEL (info).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DEVNET_DIR="$ROOT/.devnet"
LOG_DIR="$DEVNET_DIR/logs"
PID_FILE="$DEVNET_DIR/apps.pids"
export DEVNET_ENV_FILE="$DEVNET_DIR/env"
INFRA_DIR="${INFRA_DIR:-$ROOT/scripts/infra}"
HEALTH_TIMEOUT="${DEVNET_HEALTH_TIMEOUT:-120}"
DB_NAME="${DEVNET_DB_NAME:-interop_devnet}"
HUB_PORT="${HUB_PORT:-3000}"
BRIDGE_PORT="${BRIDGE_PORT:-3001}"
CHAIN_PORT_BASE="${CHAIN_PORT_BASE:-3100}"
export L1_CHAIN_ID=900
export L1_RPC_URL="${L1_RPC_URL:-http://127.0.0.1:8545}"
L2_ALPHA_RPC_URL="${L2_ALPHA_RPC_URL:-http://127.0.0.1:8546}"
L2_BETA_RPC_URL="${L2_BETA_RPC_URL:-http://127.0.0.1:8547}"
export L2_RPC_URLS="901=${L2_ALPHA_RPC_URL},902=${L2_BETA_RPC_URL}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
export HOST=127.0.0.1

say() { printf '\033[1m[devnet]\033[0m %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

# What this run started, so that cleanup stops exactly that.
STARTED_KAFKA=0
STARTED_POSTGRES=0
STARTED_ANVIL=0
APP_PIDS=()
APP_NAMES=()
CLEANING=0

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# stop_app PID NAME: SIGTERM (the apps shut down gracefully), SIGKILL after 15 s.
stop_app() {
  local pid="$1" name="$2" deadline
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(($(date +%s) + 15))
  while alive "$pid"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      say "$name (pid $pid) ignored SIGTERM for 15 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  [ "$CLEANING" = 1 ] && return
  CLEANING=1
  trap '' INT TERM
  say "stopping..."
  local i
  for ((i = ${#APP_PIDS[@]} - 1; i >= 0; i--)); do stop_app "${APP_PIDS[$i]}" "${APP_NAMES[$i]}"; done
  rm -f "$PID_FILE"
  if [ "$STARTED_ANVIL" = 1 ]; then bash "$INFRA_DIR/anvil.sh" stop >/dev/null || say "anvil.sh stop failed"; fi
  if [ "$STARTED_KAFKA" = 1 ]; then bash "$INFRA_DIR/kafka.sh" stop >/dev/null || say "kafka.sh stop failed"; fi
  if [ "$STARTED_POSTGRES" = 1 ]; then bash "$INFRA_DIR/postgres.sh" stop >/dev/null || say "postgres.sh stop failed"; fi
  say "stopped everything this run started"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
url_port() { local p="${1##*:}"; echo "${p%%/*}"; }

# Apps of a previous run that died without cleanup (kill -9, closed terminal) still hold their ports: stop them,
# but only processes that are still our app (command line checked), never whatever reused the pid.
stop_stale_apps() {
  [ -f "$PID_FILE" ] || return 0
  local pid name
  while read -r pid name; do
    if alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "dist/apps/"; then
      say "stopping $name left over from a previous run (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
      alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
    fi
  done <"$PID_FILE"
  rm -f "$PID_FILE"
}

run_ts() { npx --no-install tsx "$@"; }

# run_steps DIR: every DIR/*.ts in name order; a failing step stops the devnet.
run_steps() {
  local dir="$1" step
  [ -d "$dir" ] || return 0
  for step in "$dir"/*.ts; do
    [ -e "$step" ] || continue
    say "step ${step#"$ROOT"/}"
    run_ts "$step" || die "step ${step#"$ROOT"/} failed"
  done
}

# ---------------------------------------------------------------------------------------------------------------
# 1. dependencies and generated code
mkdir -p "$LOG_DIR"
if [ ! -x node_modules/.bin/nest ] || [ ! -d node_modules/@prisma/client ]; then
  say "installing dependencies"
  bash scripts/install-deps.sh
fi
if [ ! -f prisma/generated/client.ts ] || [ prisma/schema.prisma -nt prisma/generated/client.ts ]; then
  say "generating the Prisma client"
  bash scripts/prisma-generate.sh >/dev/null
fi
for s in kafka.sh postgres.sh anvil.sh; do
  [ -f "$INFRA_DIR/$s" ] || die "$INFRA_DIR/$s is missing (infra scripts start Kafka, Postgres and anvil)"
done
stop_stale_apps
for port in "$HUB_PORT" "$BRIDGE_PORT" "$((CHAIN_PORT_BASE + 0))" "$((CHAIN_PORT_BASE + 1))"; do
  port_open "$port" && die "port $port is taken by another process (set HUB_PORT / BRIDGE_PORT / CHAIN_PORT_BASE)"
done

# ---------------------------------------------------------------------------------------------------------------
# 2. infrastructure: reuse what runs, start what does not
if [ -n "${KAFKA_BROKERS:-}" ]; then
  say "Kafka: using KAFKA_BROKERS=$KAFKA_BROKERS"
else
  bash "$INFRA_DIR/kafka.sh" status >/dev/null 2>&1 || STARTED_KAFKA=1
  [ "$STARTED_KAFKA" = 1 ] && say "Kafka: starting a broker (first run fetches jars from Maven Central)"
  KAFKA_BROKERS="$(bash "$INFRA_DIR/kafka.sh" start | sed -n 's/^KAFKA_BROKERS=//p' | tail -n1)"
  [ -n "$KAFKA_BROKERS" ] || die "kafka.sh start printed no KAFKA_BROKERS"
fi
export KAFKA_BROKERS
bash "$INFRA_DIR/kafka.sh" topics >/dev/null

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
say "Postgres: migrating $DB_NAME"
run_ts scripts/migrate.ts >"$LOG_DIR/migrate.log" 2>&1 || {
  cat "$LOG_DIR/migrate.log" >&2
  die "migration failed"
}

if port_open "$(url_port "$L1_RPC_URL")" && port_open "$(url_port "$L2_ALPHA_RPC_URL")" && port_open "$(url_port "$L2_BETA_RPC_URL")"; then
  say "anvil: reusing the nodes on $L1_RPC_URL, $L2_ALPHA_RPC_URL, $L2_BETA_RPC_URL"
else
  say "anvil: starting L1 900, L2 901, L2 902"
  STARTED_ANVIL=1
  bash "$INFRA_DIR/anvil.sh" start >/dev/null
fi

# ---------------------------------------------------------------------------------------------------------------
# 3. steps before the apps (contract deployment will go here)
: >"$DEVNET_ENV_FILE"
run_steps "$ROOT/scripts/devnet/before-apps"
set -a
# shellcheck disable=SC1090
. "$DEVNET_ENV_FILE"
set +a

# ---------------------------------------------------------------------------------------------------------------
# 4. build and start the apps
if [ "${DEVNET_SKIP_BUILD:-0}" != 1 ] || [ ! -f dist/apps/hub/src/main.js ]; then
  for app in hub chain bridge; do
    say "building $app"
    npx --no-install nest build "$app" >"$LOG_DIR/build-$app.log" 2>&1 || {
      tail -n 40 "$LOG_DIR/build-$app.log" >&2
      die "nest build $app failed (log: $LOG_DIR/build-$app.log)"
    }
  done
fi

# start_app NAME PORT ENTRY [VAR=value...]: one background process, stdout+stderr to .devnet/logs/NAME.log.
start_app() {
  local name="$1" port="$2" entry="$3"
  shift 3
  env PORT="$port" "$@" node "$entry" >"$LOG_DIR/$name.log" 2>&1 &
  APP_PIDS+=("$!")
  APP_NAMES+=("$name")
  echo "$! $name" >>"$PID_FILE"
}
: >"$PID_FILE"
start_app hub "$HUB_PORT" dist/apps/hub/src/main.js
# chain_app INDEX CHAIN_ID RPC_URL: one chain app, with the addresses 20-deploy-l2.ts wrote for that chain. The
# devnet's anvils mine a block per transaction, so messages seal without waiting for confirmations.
chain_app() {
  local index="$1" id="$2" rpc="$3" p="CHAIN_${2}_"
  local center="${p}INTEROP_CENTER_ADDRESS" handler="${p}INTEROP_HANDLER_ADDRESS" key="${p}OPERATOR_PRIVATE_KEY" start="${p}START_BLOCK"
  start_app "chain-$id" "$((CHAIN_PORT_BASE + index))" dist/apps/chain/src/main.js CHAIN_ID="$id" CHAIN_INDEX="$index" \
    L2_RPC_URL="$rpc" INTEROP_CENTER_ADDRESS="${!center}" INTEROP_HANDLER_ADDRESS="${!handler}" \
    OPERATOR_PRIVATE_KEY="${!key}" START_BLOCK="${!start}" CONFIRMATIONS="${DEVNET_CONFIRMATIONS:-0}"
}
chain_app 0 901 "$L2_ALPHA_RPC_URL"
chain_app 1 902 "$L2_BETA_RPC_URL"
# The relayer is anvil account 3, funded on every devnet chain.
start_app bridge "$BRIDGE_PORT" dist/apps/bridge/src/main.js \
  RELAYER_PRIVATE_KEY="${RELAYER_PRIVATE_KEY:-0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6}"
APP_PORTS=("$HUB_PORT" "$((CHAIN_PORT_BASE + 0))" "$((CHAIN_PORT_BASE + 1))" "$BRIDGE_PORT")

# ---------------------------------------------------------------------------------------------------------------
# 5. wait for every /health to answer 200 (poll with a deadline, one progress line)
deadline=$(($(date +%s) + HEALTH_TIMEOUT))
declare -A GREEN=()
while :; do
  line=""
  for i in "${!APP_NAMES[@]}"; do
    name="${APP_NAMES[$i]}"
    if ! alive "${APP_PIDS[$i]}"; then
      printf '\n' >&2
      tail -n 30 "$LOG_DIR/$name.log" >&2
      die "$name exited during startup (log: $LOG_DIR/$name.log)"
    fi
    if [ -z "${GREEN[$name]:-}" ]; then
      code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:${APP_PORTS[$i]}/health" || true)"
      [ "$code" = 200 ] && GREEN[$name]=1
    fi
    if [ -n "${GREEN[$name]:-}" ]; then line+=" $name:up"; else line+=" $name:waiting"; fi
  done
  printf '\r\033[K[devnet] health%s (%ss left)' "$line" "$((deadline - $(date +%s)))" >&2
  [ "${#GREEN[@]}" -eq "${#APP_NAMES[@]}" ] && break
  if [ "$(date +%s)" -ge "$deadline" ]; then
    printf '\n' >&2
    for i in "${!APP_NAMES[@]}"; do
      [ -n "${GREEN[${APP_NAMES[$i]}]:-}" ] && continue
      say "${APP_NAMES[$i]} /health: $(curl -s --max-time 5 "http://127.0.0.1:${APP_PORTS[$i]}/health" || echo 'no answer')"
    done
    die "not every app was healthy within ${HEALTH_TIMEOUT}s (logs in $LOG_DIR)"
  fi
  sleep 0.5
done
printf '\n' >&2

# ---------------------------------------------------------------------------------------------------------------
# 6. steps after the apps (chain registration, bridging demo, then the summary table)
export HUB_URL="http://127.0.0.1:$HUB_PORT" BRIDGE_URL="http://127.0.0.1:$BRIDGE_PORT"
export CHAIN_APP_URLS="901=http://127.0.0.1:$((CHAIN_PORT_BASE + 0)),902=http://127.0.0.1:$((CHAIN_PORT_BASE + 1))"
export DEVNET_LOG_DIR="$LOG_DIR" DEVNET_DB_NAME="$DB_NAME"
run_steps "$ROOT/scripts/devnet/after-apps"

say "running; Ctrl-C stops everything this run started"
# Foreground until Ctrl-C, or until an app dies (then the devnet is not what the table says: stop it all).
set +e
wait -n "${APP_PIDS[@]}"
status=$?
set -e
for i in "${!APP_PIDS[@]}"; do
  if ! alive "${APP_PIDS[$i]}"; then
    tail -n 30 "$LOG_DIR/${APP_NAMES[$i]}.log" >&2
    say "${APP_NAMES[$i]} exited (status $status; log: $LOG_DIR/${APP_NAMES[$i]}.log)"
  fi
done
exit 1
