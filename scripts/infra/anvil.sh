#!/usr/bin/env bash
# The devnet's EVM chains: one anvil per chain on 127.0.0.1, no Docker.
#
#   scripts/infra/anvil.sh start    start L1 and the L2s (reusing ones this script already runs), wait until each
#                                   answers eth_chainId; prints L1_RPC_URL=..., ALPHA_RPC_URL=..., BETA_RPC_URL=...
#   scripts/infra/anvil.sh stop     stop the chains this script started and free their ports
#   scripts/infra/anvil.sh status   one line per chain
#
# Chains (name chain-id port): l1 900 8545, alpha 901 8546, beta 902 8547. Env: L1_CHAIN_ID, L1_PORT, ALPHA_CHAIN_ID,
# ALPHA_PORT, BETA_CHAIN_ID, BETA_PORT, ANVIL_L1_BLOCK_TIME / ANVIL_L2_BLOCK_TIME (seconds between blocks; unset =
# a block per transaction), ANVIL_BIN (default: node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil),
# ANVIL_START_TIMEOUT (s, 30), DEVNET_DIR (.devnet). See docs/operations-infra.md.
set -euo pipefail
INFRA_NAME=anvil
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ANVIL_BIN="${ANVIL_BIN:-${INFRA_ROOT}/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil}"
ANVIL_START_TIMEOUT="${ANVIL_START_TIMEOUT:-30}"
DEVNET_DIR="${DEVNET_DIR:-${INFRA_ROOT}/.devnet}"

# name chain_id port block_time
chains() {
  echo "l1 ${L1_CHAIN_ID:-900} ${L1_PORT:-8545} ${ANVIL_L1_BLOCK_TIME:-}"
  echo "alpha ${ALPHA_CHAIN_ID:-901} ${ALPHA_PORT:-8546} ${ANVIL_L2_BLOCK_TIME:-}"
  echo "beta ${BETA_CHAIN_ID:-902} ${BETA_PORT:-8547} ${ANVIL_L2_BLOCK_TIME:-}"
}

usage() { usage_of "${BASH_SOURCE[0]}"; }

# The chain id (decimal) that the RPC at port answers, or nothing.
chain_id_at() {
  local port="$1" body
  body="$(curl -s -m 2 -H 'content-type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "http://127.0.0.1:${port}" 2>/dev/null || true)"
  [[ "$body" =~ \"result\":\"(0x[0-9a-fA-F]+)\" ]] && echo "$((BASH_REMATCH[1]))"
}

url_var() { echo "$(tr '[:lower:]' '[:upper:]' <<<"$1")_RPC_URL"; }

start_chain() {
  local name="$1" chain_id="$2" port="$3" block_time="$4"
  local pid_file="${DEVNET_DIR}/anvil-${name}.pid" log_file="${DEVNET_DIR}/anvil-${name}.log" pid
  if [ -f "$pid_file" ] && pid="$(cat "$pid_file")" && pid_matches "$pid" "--port ${port}" &&
    [ "$(chain_id_at "$port")" = "$chain_id" ]; then
    log "${name} (chain ${chain_id}) already running on :${port} (pid ${pid}): reusing it"
    echo "$(url_var "$name")=http://127.0.0.1:${port}"
    return 0
  fi
  port_listening "$port" && die "port ${port} for ${name} is taken by another process (set $(tr '[:lower:]' '[:upper:]' <<<"$name")_PORT): $(ss -Hltnp "sport = :${port}" | head -1)"
  local args=(--host 127.0.0.1 --port "$port" --chain-id "$chain_id")
  [ -n "$block_time" ] && args+=(--block-time "$block_time")
  # setsid: the chains outlive the calling shell and ignore the terminal's Ctrl-C; exec keeps the pid anvil's own.
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" "$ANVIL_BIN" "${args[@]}" </dev/null >"$log_file" 2>&1 &
  local deadline=$(($(date +%s) + ANVIL_START_TIMEOUT))
  until [ -s "$pid_file" ]; do
    [ "$(date +%s)" -ge "$deadline" ] && die "${name}: anvil did not start (log: ${log_file})"
    sleep 0.05
  done
  pid="$(cat "$pid_file")"
  until [ "$(chain_id_at "$port")" = "$chain_id" ]; do
    pid_alive "$pid" || {
      tail -n 20 "$log_file" >&2 || true
      die "${name}: anvil exited during start-up (log: ${log_file})"
    }
    [ "$(date +%s)" -ge "$deadline" ] && die "${name}: no eth_chainId ${chain_id} on :${port} within ${ANVIL_START_TIMEOUT}s"
    sleep 0.05
  done
  log "${name}: chain ${chain_id} on http://127.0.0.1:${port} (pid ${pid}${block_time:+, block time ${block_time}s}); log: ${log_file#"${INFRA_ROOT}"/}"
  echo "$(url_var "$name")=http://127.0.0.1:${port}"
}

cmd_start() {
  [ -x "$ANVIL_BIN" ] || die "anvil binary not found at ${ANVIL_BIN} (npm install puts it there; or set ANVIL_BIN)"
  mkdir -p "$DEVNET_DIR"
  local started name chain_id port block_time
  started="$(now_ms)"
  # A chain that fails to start stops the ones started before it: no half-started devnet is left behind.
  trap 'log "start failed: stopping what was started"; cmd_stop' ERR
  while read -r name chain_id port block_time; do
    start_chain "$name" "$chain_id" "$port" "$block_time"
  done < <(chains)
  trap - ERR
  log "chains ready in $(($(now_ms) - started)) ms"
}

cmd_stop() {
  local name chain_id port _bt pid_file pid
  while read -r name chain_id port _bt; do
    pid_file="${DEVNET_DIR}/anvil-${name}.pid"
    [ -f "$pid_file" ] || continue
    pid="$(cat "$pid_file")"
    if pid_matches "$pid" "--port ${port}"; then
      stop_pid "$pid" 10 "anvil ${name}" || log "could not stop ${name} (pid ${pid})"
      log "${name}: stopped (pid ${pid})"
    fi
    rm -f "$pid_file"
    wait_port_free "$port" 10 || log "warning: port ${port} still in use by another process"
  done < <(chains)
}

cmd_status() {
  local name chain_id port _bt pid_file pid state all_up=0
  while read -r name chain_id port _bt; do
    pid_file="${DEVNET_DIR}/anvil-${name}.pid"
    pid="$(cat "$pid_file" 2>/dev/null || true)"
    if [ "$(chain_id_at "$port")" = "$chain_id" ]; then
      state="running${pid:+ pid=${pid}}"
    else
      state="stopped"
      all_up=3
    fi
    echo "${name} chain=${chain_id} url=http://127.0.0.1:${port} ${state}"
  done < <(chains)
  return "$all_up"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
-h | --help | help) usage ;;
*)
  usage
  exit 2
  ;;
esac
