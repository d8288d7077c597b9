# shellcheck shell=bash disable=SC2034
# Shared helpers for scripts/infra/*.sh (sourced, not run).
# Every message goes to stderr so that a script's stdout carries only what callers parse (KEY=value lines, URLs).

INFRA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '[%s] %s\n' "${INFRA_NAME:-infra}" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# Milliseconds since the epoch (GNU date).
now_ms() { date +%s%3N; }

# True when something accepts TCP connections on host:port.
port_open() {
  local host="$1" port="$2"
  (exec 3<>"/dev/tcp/${host}/${port}") 2>/dev/null
}

# True when a process listens on 127.0.0.1/0.0.0.0:port (ss sees listeners of any user).
port_listening() {
  local port="$1"
  ss -Hltn "sport = :${port}" 2>/dev/null | grep -q .
}

# pid_alive PID: true while the process exists and is not a zombie.
pid_alive() {
  local pid="$1"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/${pid}/stat" 2>/dev/null || true)"
  [ "$state" != "Z" ]
}

# pid_matches PID PATTERN: true when the process's command line contains PATTERN (guards against a recycled pid
# in a stale pid file: we only ever signal a process that is still the one we started).
pid_matches() {
  local pid="$1" pattern="$2"
  pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF -- "$pattern"
}

# stop_pid PID TIMEOUT_S NAME: SIGTERM, wait up to TIMEOUT_S, then SIGKILL; returns once the process is gone.
stop_pid() {
  local pid="$1" timeout_s="$2" name="$3"
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(($(date +%s) + timeout_s))
  while pid_alive "$pid"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "${name} (pid ${pid}) still running after ${timeout_s}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$(($(date +%s) + 10))
      while pid_alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
      break
    fi
    sleep 0.1
  done
  ! pid_alive "$pid"
}

# wait_port_free PORT TIMEOUT_S: polls until nothing listens on PORT.
wait_port_free() {
  local port="$1" timeout_s="$2"
  local deadline=$(($(date +%s) + timeout_s))
  while port_listening "$port"; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

# Prints a script's header comment (its usage) to stderr.
usage_of() { sed -n '2,/^set -/{/^set -/!p}' "$1" | sed 's/^# \{0,1\}//' >&2; }
