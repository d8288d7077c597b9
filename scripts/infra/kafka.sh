#!/usr/bin/env bash
# A real Kafka 4.x broker (KRaft, single node), or a local N-node cluster, from Maven Central jars, no Docker.
#
#   scripts/infra/kafka.sh fetch    jars into .cache/kafka/libs (mvn dependency:copy-dependencies; skipped when present)
#   scripts/infra/kafka.sh start    fetch if needed, format fresh storage, start the broker, wait until it answers;
#                                   prints KAFKA_BROKERS=127.0.0.1:<port> on stdout
#   scripts/infra/kafka.sh stop     stop the broker this script started and delete its (throwaway) data
#   scripts/infra/kafka.sh status   running/stopped (exit 0 when a reachable broker is there)
#   scripts/infra/kafka.sh topics [--partitions N] [topic...]
#                                   create the project's topics (or the ones named), idempotently
#
# Cluster (--cluster N after the command, or KAFKA_NODES=N; N >= 2): N nodes, each broker + controller voter (an
# N-voter quorum), node i on ports KAFKA_PORT+i-1 / KAFKA_CONTROLLER_PORT+i-1 (defaults 29192 / 29292 in cluster mode),
# replication factor min(3,N), min.insync.replicas min(2,N), unclean leader election off (infra/kafka/cluster.properties).
#   scripts/infra/kafka.sh start --cluster 3     prints KAFKA_BROKERS=127.0.0.1:29192,127.0.0.1:29193,127.0.0.1:29194
#   scripts/infra/kafka.sh stop|status --cluster 3
#   scripts/infra/kafka.sh kill NODE [--cluster 3] [--signal TERM]   SIGKILL (default) node NODE (1..N); data is kept
#   scripts/infra/kafka.sh restart NODE [--cluster 3] [--signal TERM]
#                                   kill NODE if it runs, start it again on its data, wait until it serves
#   scripts/infra/kafka.sh quorum [--cluster 3]  the KRaft quorum as JSON (active controller = leaderId)
# kill/restart/quorum find N in .cache/kafka/cluster-<KAFKA_PORT>.nodes when --cluster is not given.
#
# Env: KAFKA_BROKERS (use that cluster instead of starting one), KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093),
# KAFKA_NODES (1), KAFKA_HEAP_OPTS (-Xms128m -Xmx512m; -Xms64m -Xmx384m per node of a cluster), KAFKA_JVM_OPTS, KAFKA_START_TIMEOUT (s, 120), KAFKA_STOP_TIMEOUT (s, 30),
# KAFKA_TOPIC_PARTITIONS (3), KAFKA_LOG_LEVEL (WARN), KAFKA_MAVEN_ARGS (extra mvn options for fetch, e.g.
# -Dmaven.repo.local=...). See docs/operations-infra.md.
set -euo pipefail
INFRA_NAME=kafka
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Command line: COMMAND [NODE] [--cluster N] [--signal SIG] [topics options...]
COMMAND="${1:-}"
[ $# -gt 0 ] && shift
KAFKA_NODES="${KAFKA_NODES:-1}"
NODE_ARG=""
KILL_SIGNAL=KILL
REST=()
while [ $# -gt 0 ]; do
  case "$1" in
  --cluster)
    [ $# -ge 2 ] || die "--cluster needs a node count"
    KAFKA_NODES="$2"
    shift
    ;;
  --cluster=*) KAFKA_NODES="${1#--cluster=}" ;;
  --signal)
    [ $# -ge 2 ] || die "--signal needs a signal name"
    KILL_SIGNAL="$2"
    shift
    ;;
  *)
    if [ -z "$NODE_ARG" ] && { [ "$COMMAND" = kill ] || [ "$COMMAND" = restart ]; }; then NODE_ARG="$1"; else REST+=("$1"); fi
    ;;
  esac
  shift
done
[[ "$KAFKA_NODES" =~ ^[1-9][0-9]*$ ]] || die "KAFKA_NODES / --cluster must be a positive integer, got ${KAFKA_NODES}"

# kill/restart/quorum are cluster commands: without --cluster / KAFKA_NODES they look for the cluster this script
# started (its marker) on KAFKA_PORT, by default the cluster's 29192.
case "$COMMAND" in
kill | restart | quorum)
  if [ "$KAFKA_NODES" -eq 1 ] && [ -z "${KAFKA_PORT:-}" ]; then
    KAFKA_PORT=29192
    KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-29292}"
  fi
  ;;
esac
# A cluster gets its own default ports, away from the shared single broker's 19092/19093.
if [ "$KAFKA_NODES" -gt 1 ]; then
  KAFKA_PORT="${KAFKA_PORT:-29192}"
  KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-29292}"
  KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms64m -Xmx384m}"
else
  KAFKA_PORT="${KAFKA_PORT:-19092}"
  KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
  KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
fi
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_LOG_LEVEL="${KAFKA_LOG_LEVEL:-WARN}"

CACHE_DIR="${INFRA_ROOT}/.cache/kafka"
LIBS_DIR="${CACHE_DIR}/libs"
TEMPLATE_DIR="${INFRA_ROOT}/infra/kafka"
# Marker of a cluster started by this script: its node count (kill/restart/quorum read it).
CLUSTER_MARKER="${CACHE_DIR}/cluster-${KAFKA_PORT}.nodes"
# kill/restart/quorum/stop/status without --cluster: a cluster this script started on KAFKA_PORT.
if [ "$KAFKA_NODES" -eq 1 ] && [ -f "$CLUSTER_MARKER" ] && [ "$COMMAND" != start ]; then
  KAFKA_NODES="$(cat "$CLUSTER_MARKER")"
fi
if [ "$KAFKA_NODES" -gt 1 ]; then
  # Node ports must not overlap the controller range (or the other way round).
  if [ "$KAFKA_CONTROLLER_PORT" -lt $((KAFKA_PORT + KAFKA_NODES)) ] && [ "$KAFKA_PORT" -lt $((KAFKA_CONTROLLER_PORT + KAFKA_NODES)) ]; then
    die "broker ports ${KAFKA_PORT}+ and controller ports ${KAFKA_CONTROLLER_PORT}+ overlap for ${KAFKA_NODES} nodes"
  fi
fi
# The voters and the bootstrap list of every node.
VOTERS=""
OUR_BROKERS=""
for ((i = 1; i <= KAFKA_NODES; i++)); do
  VOTERS="${VOTERS:+${VOTERS},}${i}@127.0.0.1:$((KAFKA_CONTROLLER_PORT + i - 1))"
  OUR_BROKERS="${OUR_BROKERS:+${OUR_BROKERS},}127.0.0.1:$((KAFKA_PORT + i - 1))"
done
REPLICATION_FACTOR=$((KAFKA_NODES < 3 ? KAFKA_NODES : 3))
MIN_ISR=$((KAFKA_NODES < 2 ? 1 : 2))

# select_node I: the files and ports of node I (1-based). Node 1 of the single broker keeps the historical names
# (data-<port>, server-<port>.properties, kafka-<port>.{pid,log,out}); every node of a cluster has its own set.
select_node() {
  NODE_ID="$1"
  NODE_PORT=$((KAFKA_PORT + NODE_ID - 1))
  NODE_CONTROLLER_PORT=$((KAFKA_CONTROLLER_PORT + NODE_ID - 1))
  DATA_DIR="${CACHE_DIR}/data-${NODE_PORT}"
  CONFIG_FILE="${CACHE_DIR}/server-${NODE_PORT}.properties"
  PID_FILE="${CACHE_DIR}/kafka-${NODE_PORT}.pid"
  LOG_FILE="${CACHE_DIR}/kafka-${NODE_PORT}.log"
  OUT_FILE="${CACHE_DIR}/kafka-${NODE_PORT}.out"
}
select_node 1
# The marker proves that libs/ holds a complete copy (an interrupted fetch leaves no marker and is redone).
FETCH_MARKER="${LIBS_DIR}/.complete"

usage() {
  usage_of "${BASH_SOURCE[0]}"
}

# Runs the TS admin helper (kafkajs) when node_modules is installed.
admin() {
  "${INFRA_ROOT}/node_modules/.bin/tsx" "${INFRA_ROOT}/scripts/infra/kafka-admin.ts" "$@"
}
have_admin() { [ -x "${INFRA_ROOT}/node_modules/.bin/tsx" ] && [ -d "${INFRA_ROOT}/node_modules/kafkajs" ]; }

cmd_fetch() {
  if [ -f "$FETCH_MARKER" ] && [ "$(cat "$FETCH_MARKER")" = "$(pom_digest)" ]; then
    log "jars present in ${LIBS_DIR#"${INFRA_ROOT}"/} ($(find "$LIBS_DIR" -name '*.jar' | wc -l) jars)"
    return 0
  fi
  ensure_tool mvn maven
  local started tmp
  started="$(now_ms)"
  tmp="${CACHE_DIR}/libs.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  log "fetching the broker jars from Maven Central (infra/kafka/pom.xml) ..."
  local mvn_log="${CACHE_DIR}/fetch.log"
  # -B: no colours or progress bars in the log; the summary below says what arrived.
  # shellcheck disable=SC2086 # KAFKA_MAVEN_ARGS is a list of options
  if ! mvn -B ${KAFKA_MAVEN_ARGS:-} -f "${TEMPLATE_DIR}/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$tmp" -DincludeScope=runtime >"$mvn_log" 2>&1; then
    tail -n 30 "$mvn_log" >&2
    die "mvn dependency:copy-dependencies failed (full log: ${mvn_log})"
  fi
  log "$(grep -c "Downloaded from" "$mvn_log" || true) artifacts downloaded from Maven Central, the rest came from ~/.m2"
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  pom_digest >"$FETCH_MARKER"
  log "$(find "$LIBS_DIR" -name '*.jar' | wc -l) jars, $(du -sh "$LIBS_DIR" | cut -f1), in $(($(now_ms) - started)) ms"
}

# ensure_tool COMMAND DEBIAN_PACKAGE: installs the package when the command is missing (root only), so that a fresh
# machine needs nothing done by hand.
ensure_tool() {
  command -v "$1" >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || die "$1 not found: install the Debian package $2"
  log "$1 not found: installing $2 (apt-get) ..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >&2
}

# Re-fetch when the pom changes (a version bump), not only when libs/ is missing.
pom_digest() { sha256sum "${TEMPLATE_DIR}/pom.xml" | cut -d' ' -f1; }

running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  pid_matches "$pid" "$CONFIG_FILE" || return 1
  echo "$pid"
}

# Waits until the broker answers a metadata request (kafkajs describeCluster), or, without node_modules, until the
# log says it started. Progress every few seconds. Extra arguments go to `kafka-admin.ts ready` (--expect-brokers N,
# --expect-node ID).
wait_ready() {
  local brokers="$1" pid="$2" deadline=$(($(date +%s) + KAFKA_START_TIMEOUT))
  shift 2
  local port="${NODE_PORT}" host="127.0.0.1" last_note=0
  while ! port_open "$host" "$port"; do
    pid_alive "$pid" || {
      tail -n 40 "$LOG_FILE" "$OUT_FILE" >&2 2>/dev/null || true
      die "broker exited during start-up (logs: ${LOG_FILE}, ${OUT_FILE})"
    }
    [ "$(date +%s)" -ge "$deadline" ] && die "port ${port} not open after ${KAFKA_START_TIMEOUT}s (log: ${LOG_FILE})"
    if [ $(($(date +%s) - last_note)) -ge 5 ]; then
      [ "$last_note" -ne 0 ] && log "waiting for ${host}:${port} to listen ..."
      last_note="$(date +%s)"
    fi
    sleep 0.1
  done
  local left=$((deadline - $(date +%s)))
  if have_admin; then
    admin ready --brokers "$brokers" --timeout-ms "$((left > 1 ? left * 1000 : 1000))" "$@" ||
      die "broker on ${brokers} listens but does not answer metadata requests (log: ${LOG_FILE})"
  else
    until grep -q 'Kafka Server started' "$LOG_FILE" 2>/dev/null; do
      pid_alive "$pid" || die "broker exited during start-up (log: ${LOG_FILE})"
      [ "$(date +%s)" -ge "$deadline" ] && die "no 'Kafka Server started' in ${LOG_FILE} after ${KAFKA_START_TIMEOUT}s"
      sleep 0.1
    done
  fi
}

# A KRaft cluster id is a base64url-encoded 16-byte UUID; one that starts with '-' reads as an option, so draw again.
random_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    [ "${id:0:1}" != "-" ] && break
  done
  echo "$id"
}

# The selected node's config: the template, plus infra/kafka/cluster.properties on a cluster.
write_config() {
  sed -e "s|@PORT@|${NODE_PORT}|g" \
    -e "s|@CONTROLLER_PORT@|${NODE_CONTROLLER_PORT}|g" \
    -e "s|@NODE_ID@|${NODE_ID}|g" \
    -e "s|@VOTERS@|${VOTERS}|g" \
    -e "s|@REPLICATION_FACTOR@|${REPLICATION_FACTOR}|g" \
    -e "s|@MIN_ISR@|${MIN_ISR}|g" \
    -e "s|@DATA_DIR@|${DATA_DIR}|g" \
    -e "s|@PARTITIONS@|${KAFKA_TOPIC_PARTITIONS:-3}|g" \
    -e "s|@OFFSETS_PARTITIONS@|${KAFKA_OFFSETS_PARTITIONS:-5}|g" \
    -e "s|@RETENTION_MS@|${KAFKA_RETENTION_MS:-3600000}|g" \
    -e "s|@RETENTION_BYTES@|${KAFKA_RETENTION_BYTES:-67108864}|g" \
    -e "s|@SEGMENT_BYTES@|${KAFKA_SEGMENT_BYTES:-16777216}|g" \
    "${TEMPLATE_DIR}/server.properties.template" >"$CONFIG_FILE"
  if [ "$KAFKA_NODES" -gt 1 ]; then cat "${TEMPLATE_DIR}/cluster.properties" >>"$CONFIG_FILE"; fi
}

# format_node CLUSTER_ID: fresh storage for the selected node.
format_node() {
  # shellcheck disable=SC2086 # word splitting of the option lists is intended
  java $KAFKA_HEAP_OPTS -Dlog4j2.configurationFile="${TEMPLATE_DIR}/log4j2.xml" -Dkafka.log.file="$LOG_FILE" \
    -cp "${LIBS_DIR}/*" kafka.tools.StorageTool format --config "$CONFIG_FILE" --cluster-id "$1" \
    >"$OUT_FILE" 2>&1 || {
    cat "$OUT_FILE" >&2
    die "storage format failed (node ${NODE_ID})"
  }
}

# Starts the selected node's JVM in the background on its config and data; prints its pid.
launch_node() {
  rm -f "$PID_FILE"
  # setsid: the broker outlives the calling shell (devnet) and does not get the terminal's Ctrl-C; `exec` keeps the
  # pid written to the pid file the JVM's own.
  # shellcheck disable=SC2016,SC2086
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    java $KAFKA_HEAP_OPTS $KAFKA_JVM_OPTS \
    -Dlog4j2.configurationFile="${TEMPLATE_DIR}/log4j2.xml" -Dkafka.log.file="$LOG_FILE" \
    -Dkafka.log.level="$KAFKA_LOG_LEVEL" \
    -cp "${LIBS_DIR}/*" kafka.Kafka "$CONFIG_FILE" \
    </dev/null >>"$OUT_FILE" 2>&1 &
  # The pid file is written by the child; wait for it (a few ms).
  local deadline=$(($(date +%s) + 10))
  until [ -s "$PID_FILE" ]; do
    [ "$(date +%s)" -ge "$deadline" ] && die "broker process did not start (see ${OUT_FILE})"
    sleep 0.05
  done
  cat "$PID_FILE"
}

# True when every node of the cluster runs (its pid file names a live JVM on its config) and listens.
all_nodes_up() {
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    select_node "$i"
    running_pid >/dev/null && port_open 127.0.0.1 "$NODE_PORT" || return 1
  done
}

any_node_running() {
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    select_node "$i"
    running_pid >/dev/null && return 0
  done
  return 1
}

cmd_start() {
  local started
  started="$(now_ms)"
  if [ -n "${KAFKA_BROKERS:-}" ] && [ "${KAFKA_BROKERS}" != "$OUR_BROKERS" ]; then
    local first="${KAFKA_BROKERS%%,*}"
    if port_open "${first%:*}" "${first##*:}"; then
      log "using the cluster in KAFKA_BROKERS (${KAFKA_BROKERS})"
      echo "KAFKA_BROKERS=${KAFKA_BROKERS}"
      return 0
    fi
    log "KAFKA_BROKERS=${KAFKA_BROKERS} is not reachable: starting a local broker instead"
  fi
  mkdir -p "$CACHE_DIR"
  [ "$KAFKA_NODES" -gt 1 ] && {
    cluster_start "$started"
    return
  }
  local pid
  if pid="$(running_pid)"; then
    if port_open 127.0.0.1 "$KAFKA_PORT" && { ! have_admin || admin ready --brokers "$OUR_BROKERS" --timeout-ms 10000; }; then
      log "broker already running (pid ${pid}) on ${OUR_BROKERS}: reusing it"
      echo "KAFKA_BROKERS=${OUR_BROKERS}"
      return 0
    fi
    log "broker pid ${pid} is not healthy: restarting it"
    cmd_stop
  fi
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    port_listening "$p" && die "port ${p} is taken by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT): $(ss -Hltnp "sport = :${p}" | head -1)"
  done
  ensure_tool java openjdk-17-jre-headless
  cmd_fetch

  # Fresh storage on every start: the broker is throwaway, and stale metadata from a killed run never leaks in.
  rm -rf "$DATA_DIR"
  write_config
  local cluster_id t0
  cluster_id="$(random_cluster_id)"
  t0="$(now_ms)"
  log "formatting ${DATA_DIR#"${INFRA_ROOT}"/} (cluster ${cluster_id}) ..."
  format_node "$cluster_id"
  log "formatted in $(($(now_ms) - t0)) ms; starting the broker on ${OUR_BROKERS} (controller :${KAFKA_CONTROLLER_PORT}) ..."
  : >"$LOG_FILE"
  pid="$(launch_node)"
  # A broker that never became ready is not left behind holding the ports.
  trap 'log "start failed: stopping pid ${pid}"; stop_pid "${pid}" 10 "kafka broker" || true; rm -f "$PID_FILE"' EXIT
  wait_ready "$OUR_BROKERS" "$pid"
  trap - EXIT
  log "broker ready (pid ${pid}) in $(($(now_ms) - started)) ms; log: ${LOG_FILE#"${INFRA_ROOT}"/}"
  echo "KAFKA_BROKERS=${OUR_BROKERS}"
}

# cluster_start STARTED_MS: KAFKA_NODES nodes sharing one cluster id and a fixed voter set.
cluster_start() {
  local started="$1" i
  if all_nodes_up && { ! have_admin || admin ready --brokers "$OUR_BROKERS" --timeout-ms 10000 --expect-brokers "$KAFKA_NODES"; }; then
    log "cluster of ${KAFKA_NODES} already running on ${OUR_BROKERS}: reusing it"
    echo "KAFKA_BROKERS=${OUR_BROKERS}"
    return 0
  fi
  if any_node_running; then
    log "cluster on ${OUR_BROKERS} is not healthy: restarting it"
    cmd_stop
  fi
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    select_node "$i"
    for p in "$NODE_PORT" "$NODE_CONTROLLER_PORT"; do
      port_listening "$p" && die "port ${p} (node ${i}) is taken by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT): $(ss -Hltnp "sport = :${p}" | head -1)"
    done
  done
  ensure_tool java openjdk-17-jre-headless
  cmd_fetch

  local cluster_id t0 fmt=() pid
  CLUSTER_PIDS=()
  cluster_id="$(random_cluster_id)"
  t0="$(now_ms)"
  log "formatting ${KAFKA_NODES} nodes (cluster ${cluster_id}, voters ${VOTERS}) ..."
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    select_node "$i"
    rm -rf "$DATA_DIR"
    write_config
    format_node "$cluster_id" &
    fmt+=($!)
  done
  for f in "${fmt[@]}"; do wait "$f" || die "storage format failed (see ${CACHE_DIR#"${INFRA_ROOT}"/}/kafka-<port>.out)"; done
  log "formatted in $(($(now_ms) - t0)) ms; starting ${KAFKA_NODES} nodes on ${OUR_BROKERS} (controllers :${KAFKA_CONTROLLER_PORT}+), RF ${REPLICATION_FACTOR}, min ISR ${MIN_ISR} ..."
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    select_node "$i"
    : >"$LOG_FILE"
    pid="$(launch_node)"
    CLUSTER_PIDS+=("$pid")
  done
  # Nodes that never became ready are not left behind holding the ports.
  trap 'log "start failed: stopping the cluster"; for p in "${CLUSTER_PIDS[@]}"; do stop_pid "$p" 10 "kafka node" || true; done; cluster_cleanup' EXIT
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    select_node "$i"
    if [ "$i" -lt "$KAFKA_NODES" ]; then
      # Ports first; the metadata check below waits for every node at once.
      local deadline=$(($(date +%s) + KAFKA_START_TIMEOUT))
      until port_open 127.0.0.1 "$NODE_PORT"; do
        pid_alive "${CLUSTER_PIDS[$((i - 1))]}" || {
          tail -n 40 "$LOG_FILE" "$OUT_FILE" >&2 2>/dev/null || true
          die "node ${i} exited during start-up (logs: ${LOG_FILE}, ${OUT_FILE})"
        }
        [ "$(date +%s)" -ge "$deadline" ] && die "node ${i}: port ${NODE_PORT} not open after ${KAFKA_START_TIMEOUT}s (log: ${LOG_FILE})"
        sleep 0.1
      done
    else
      wait_ready "$OUR_BROKERS" "${CLUSTER_PIDS[$((i - 1))]}" --expect-brokers "$KAFKA_NODES"
    fi
  done
  trap - EXIT
  echo "$KAFKA_NODES" >"$CLUSTER_MARKER"
  log "cluster of ${KAFKA_NODES} ready (pids ${CLUSTER_PIDS[*]}) in $(($(now_ms) - started)) ms; logs: ${CACHE_DIR#"${INFRA_ROOT}"/}/kafka-<port>.log"
  echo "KAFKA_BROKERS=${OUR_BROKERS}"
}

# Removes the cluster's pid files, data and marker (after its processes are gone).
cluster_cleanup() {
  local i
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    select_node "$i"
    rm -f "$PID_FILE"
    rm -rf "$DATA_DIR"
  done
  rm -f "$CLUSTER_MARKER"
}

cmd_stop() {
  [ "$KAFKA_NODES" -gt 1 ] && {
    cluster_stop
    return
  }
  local pid
  if pid="$(running_pid)"; then
    local t0
    t0="$(now_ms)"
    log "stopping broker pid ${pid} ..."
    stop_pid "$pid" "$KAFKA_STOP_TIMEOUT" "kafka broker" || die "could not stop pid ${pid}"
    log "stopped in $(($(now_ms) - t0)) ms"
  elif [ -f "$PID_FILE" ]; then
    log "stale pid file (process gone): cleaning up"
  else
    log "no broker started by this script on port ${KAFKA_PORT}"
  fi
  rm -f "$PID_FILE"
  wait_port_free "$KAFKA_PORT" 10 || log "warning: port ${KAFKA_PORT} still in use by another process"
  wait_port_free "$KAFKA_CONTROLLER_PORT" 10 || log "warning: port ${KAFKA_CONTROLLER_PORT} still in use by another process"
  rm -rf "$DATA_DIR"
}

# Stops every node at once (SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT): the data is thrown away, so there is no
# point in a rolling, quorum-preserving shutdown.
cluster_stop() {
  local i pid t0 waits=() found=0
  t0="$(now_ms)"
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    select_node "$i"
    if pid="$(running_pid)"; then
      found=$((found + 1))
      stop_pid "$pid" "$KAFKA_STOP_TIMEOUT" "kafka node ${i}" &
      waits+=($!)
    fi
  done
  local failed=0
  for w in "${waits[@]}"; do wait "$w" || failed=1; done
  if [ "$found" -gt 0 ]; then
    log "stopped ${found} of ${KAFKA_NODES} nodes in $(($(now_ms) - t0)) ms"
  else
    log "no node of a cluster started by this script on ports ${KAFKA_PORT}+"
  fi
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    select_node "$i"
    wait_port_free "$NODE_PORT" 10 || log "warning: port ${NODE_PORT} still in use by another process"
    wait_port_free "$NODE_CONTROLLER_PORT" 10 || log "warning: port ${NODE_CONTROLLER_PORT} still in use by another process"
  done
  cluster_cleanup
  [ "$failed" -eq 0 ] || die "could not stop every node"
}

cmd_status() {
  local pid
  if [ "$KAFKA_NODES" -gt 1 ]; then
    local up=0 i
    for ((i = 1; i <= KAFKA_NODES; i++)); do
      select_node "$i"
      if pid="$(running_pid)" && port_open 127.0.0.1 "$NODE_PORT"; then
        echo "node ${i} running pid=${pid} broker=127.0.0.1:${NODE_PORT} controller=127.0.0.1:${NODE_CONTROLLER_PORT} log=${LOG_FILE}"
        up=$((up + 1))
      else
        echo "node ${i} stopped broker=127.0.0.1:${NODE_PORT}"
      fi
    done
    echo "KAFKA_BROKERS=${OUR_BROKERS} (${up}/${KAFKA_NODES} up)"
    [ "$up" -eq "$KAFKA_NODES" ] && return 0
    [ "$up" -eq 0 ] && return 3
    return 4
  fi
  if pid="$(running_pid)" && port_open 127.0.0.1 "$KAFKA_PORT"; then
    echo "running pid=${pid} KAFKA_BROKERS=${OUR_BROKERS} log=${LOG_FILE}"
    return 0
  fi
  if [ -n "${KAFKA_BROKERS:-}" ]; then
    local first="${KAFKA_BROKERS%%,*}"
    if port_open "${first%:*}" "${first##*:}"; then
      echo "external KAFKA_BROKERS=${KAFKA_BROKERS} reachable"
      return 0
    fi
  fi
  echo "stopped"
  return 3
}

# Selects node NODE_ARG of a cluster, or dies.
select_cluster_node() {
  [ "$KAFKA_NODES" -gt 1 ] || die "no cluster on port ${KAFKA_PORT}: give --cluster N (or KAFKA_NODES) or start one"
  [[ "$NODE_ARG" =~ ^[0-9]+$ ]] && [ "$NODE_ARG" -ge 1 ] && [ "$NODE_ARG" -le "$KAFKA_NODES" ] ||
    die "node must be 1..${KAFKA_NODES}, got '${NODE_ARG}'"
  select_node "$NODE_ARG"
}

# kill_node: signals the selected node (KILL_SIGNAL) and waits until its JVM is gone. Its data stays.
kill_node() {
  local pid t0
  pid="$(running_pid)" || {
    log "node ${NODE_ID} is not running"
    return 1
  }
  t0="$(now_ms)"
  kill -"$KILL_SIGNAL" "$pid" 2>/dev/null || true
  local deadline=$(($(date +%s) + KAFKA_STOP_TIMEOUT))
  while pid_alive "$pid"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "node ${NODE_ID} (pid ${pid}) still running ${KAFKA_STOP_TIMEOUT}s after SIG${KILL_SIGNAL}: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$(($(date +%s) + 10))
    fi
    sleep 0.05
  done
  rm -f "$PID_FILE"
  log "node ${NODE_ID} (pid ${pid}, 127.0.0.1:${NODE_PORT}) killed with SIG${KILL_SIGNAL}, gone after $(($(now_ms) - t0)) ms"
}

cmd_kill() {
  select_cluster_node
  kill_node || die "node ${NODE_ID} is not running"
}

cmd_restart() {
  select_cluster_node
  [ -f "$CONFIG_FILE" ] && [ -d "$DATA_DIR" ] || die "node ${NODE_ID} has no config/data (start the cluster first)"
  local started pid
  started="$(now_ms)"
  kill_node || true
  wait_port_free "$NODE_PORT" 30 || die "port ${NODE_PORT} still in use"
  wait_port_free "$NODE_CONTROLLER_PORT" 30 || die "port ${NODE_CONTROLLER_PORT} still in use"
  pid="$(launch_node)"
  wait_ready "$OUR_BROKERS" "$pid" --expect-node "$NODE_ID"
  log "node ${NODE_ID} back (pid ${pid}) in $(($(now_ms) - started)) ms"
}

cmd_quorum() {
  have_admin || die "node_modules missing: run scripts/install-deps.sh first"
  local controllers="" i
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    controllers="${controllers:+${controllers},}127.0.0.1:$((KAFKA_CONTROLLER_PORT + i - 1))"
  done
  admin quorum --controllers "$controllers"
}

cmd_topics() {
  have_admin || die "node_modules missing: run scripts/install-deps.sh first"
  local brokers="${KAFKA_BROKERS:-$OUR_BROKERS}"
  admin topics --brokers "$brokers" "$@"
}

case "$COMMAND" in
fetch) cmd_fetch ;;
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
kill) cmd_kill ;;
restart) cmd_restart ;;
quorum) cmd_quorum ;;
topics) cmd_topics ${REST[@]+"${REST[@]}"} ;;
-h | --help | help)
  usage
  ;;
*)
  usage
  exit 2
  ;;
esac
