#!/usr/bin/env bash
# A real single-node Kafka 4.x broker (KRaft) from Maven Central jars, no Docker.
#
#   scripts/infra/kafka.sh fetch    jars into .cache/kafka/libs (mvn dependency:copy-dependencies; skipped when present)
#   scripts/infra/kafka.sh start    fetch if needed, format fresh storage, start the broker, wait until it answers;
#                                   prints KAFKA_BROKERS=127.0.0.1:<port> on stdout
#   scripts/infra/kafka.sh stop     stop the broker this script started and delete its (throwaway) data
#   scripts/infra/kafka.sh status   running/stopped (exit 0 when a reachable broker is there)
#   scripts/infra/kafka.sh topics [--partitions N] [topic...]
#                                   create the project's topics (or the ones named), idempotently
#
# Env: KAFKA_BROKERS (use that cluster instead of starting one), KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093),
# KAFKA_HEAP_OPTS (-Xms128m -Xmx512m), KAFKA_JVM_OPTS, KAFKA_START_TIMEOUT (s, 120), KAFKA_STOP_TIMEOUT (s, 30),
# KAFKA_TOPIC_PARTITIONS (3), KAFKA_LOG_LEVEL (WARN), KAFKA_MAVEN_ARGS (extra mvn options for fetch, e.g.
# -Dmaven.repo.local=...). See docs/operations-infra.md.
set -euo pipefail
INFRA_NAME=kafka
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_LOG_LEVEL="${KAFKA_LOG_LEVEL:-WARN}"

CACHE_DIR="${INFRA_ROOT}/.cache/kafka"
LIBS_DIR="${CACHE_DIR}/libs"
TEMPLATE_DIR="${INFRA_ROOT}/infra/kafka"
DATA_DIR="${CACHE_DIR}/data-${KAFKA_PORT}"
CONFIG_FILE="${CACHE_DIR}/server-${KAFKA_PORT}.properties"
PID_FILE="${CACHE_DIR}/kafka-${KAFKA_PORT}.pid"
LOG_FILE="${CACHE_DIR}/kafka-${KAFKA_PORT}.log"
OUT_FILE="${CACHE_DIR}/kafka-${KAFKA_PORT}.out"
OUR_BROKERS="127.0.0.1:${KAFKA_PORT}"
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
# log says it started. Progress every few seconds.
wait_ready() {
  local brokers="$1" pid="$2" deadline=$(($(date +%s) + KAFKA_START_TIMEOUT))
  local port="${brokers##*:}" host="${brokers%:*}" last_note=0
  while ! port_open "$host" "$port"; do
    pid_alive "$pid" || {
      tail -n 40 "$LOG_FILE" "$OUT_FILE" >&2 2>/dev/null || true
      die "broker exited during start-up (logs: ${LOG_FILE}, ${OUT_FILE})"
    }
    [ "$(date +%s)" -ge "$deadline" ] && die "port ${port} not open after ${KAFKA_START_TIMEOUT}s (log: ${LOG_FILE})"
    if [ $(($(date +%s) - last_note)) -ge 5 ]; then
      [ "$last_note" -ne 0 ] && log "waiting for ${brokers} to listen ..."
      last_note="$(date +%s)"
    fi
    sleep 0.1
  done
  local left=$((deadline - $(date +%s)))
  if have_admin; then
    admin ready --brokers "$brokers" --timeout-ms "$((left > 1 ? left * 1000 : 1000))" ||
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

write_config() {
  sed -e "s|@PORT@|${KAFKA_PORT}|g" \
    -e "s|@CONTROLLER_PORT@|${KAFKA_CONTROLLER_PORT}|g" \
    -e "s|@DATA_DIR@|${DATA_DIR}|g" \
    -e "s|@PARTITIONS@|${KAFKA_TOPIC_PARTITIONS:-3}|g" \
    -e "s|@OFFSETS_PARTITIONS@|${KAFKA_OFFSETS_PARTITIONS:-5}|g" \
    -e "s|@RETENTION_MS@|${KAFKA_RETENTION_MS:-3600000}|g" \
    -e "s|@RETENTION_BYTES@|${KAFKA_RETENTION_BYTES:-67108864}|g" \
    -e "s|@SEGMENT_BYTES@|${KAFKA_SEGMENT_BYTES:-16777216}|g" \
    "${TEMPLATE_DIR}/server.properties.template" >"$CONFIG_FILE"
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
  # shellcheck disable=SC2086 # word splitting of the option lists is intended
  java $KAFKA_HEAP_OPTS -Dlog4j2.configurationFile="${TEMPLATE_DIR}/log4j2.xml" -Dkafka.log.file="$LOG_FILE" \
    -cp "${LIBS_DIR}/*" kafka.tools.StorageTool format --config "$CONFIG_FILE" --cluster-id "$cluster_id" \
    >"$OUT_FILE" 2>&1 || {
    cat "$OUT_FILE" >&2
    die "storage format failed"
  }
  log "formatted in $(($(now_ms) - t0)) ms; starting the broker on ${OUR_BROKERS} (controller :${KAFKA_CONTROLLER_PORT}) ..."
  : >"$LOG_FILE"
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
  pid="$(cat "$PID_FILE")"
  # A broker that never became ready is not left behind holding the ports.
  trap 'log "start failed: stopping pid ${pid}"; stop_pid "${pid}" 10 "kafka broker" || true; rm -f "$PID_FILE"' EXIT
  wait_ready "$OUR_BROKERS" "$pid"
  trap - EXIT
  log "broker ready (pid ${pid}) in $(($(now_ms) - started)) ms; log: ${LOG_FILE#"${INFRA_ROOT}"/}"
  echo "KAFKA_BROKERS=${OUR_BROKERS}"
}

cmd_stop() {
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

cmd_status() {
  local pid
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

cmd_topics() {
  have_admin || die "node_modules missing: run scripts/install-deps.sh first"
  local brokers="${KAFKA_BROKERS:-$OUR_BROKERS}"
  admin topics --brokers "$brokers" "$@"
}

case "${1:-}" in
fetch) cmd_fetch ;;
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
topics)
  shift
  cmd_topics "$@"
  ;;
-h | --help | help)
  usage
  ;;
*)
  usage
  exit 2
  ;;
esac
