#!/usr/bin/env bash
# `npm test`: the whole check, from a fresh clone, against real Kafka, Postgres and anvil (no Docker).
#
# usage: npm test [-- [--unit-only | --int-only | --e2e-only] [--no-static] [--e2e] [-- JEST_ARGS...]]
#   (default)    install if needed, generate, build checks, typecheck, lint, unit, then Kafka + Postgres, int, e2e
#   --unit-only  generate + unit tests (no typecheck/lint, no infrastructure)
#   --int-only   infrastructure + int tests only
#   --e2e-only   infrastructure + e2e tests only
#   --no-static  skip typecheck and lint
#   --e2e        run the e2e tier even if no *.e2e-spec.ts exists yet (same as E2E=1)
#   -- ARGS      passed to every jest run, e.g. `npm test -- --int-only -- --testPathPatterns libs/infra`
#
# It stops whatever it started (Kafka broker, throwaway Postgres cluster) and drops its test database on exit, even on
# failure or Ctrl-C, and exits non-zero if any phase failed. Env: E2E=1, KAFKA_BROKERS / DATABASE_URL (use those
# servers), TEST_PHASE_TIMEOUT (s per jest run, 2400), TEST_INT_WORKERS (jest workers of the int tier, 1 = in band;
# 2 was tried and is not yet reliable, docs/operations-infra.md). See docs/operations-infra.md.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT="$(pwd)"

usage() { sed -n '4,12p' "$0" | sed 's/^# \{0,1\}//'; }

MODE=all
STATIC=1
WANT_E2E="${E2E:-0}"
JEST_EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
  --unit-only) MODE=unit ;;
  --int-only) MODE=int ;;
  --e2e-only) MODE=e2e ;;
  --no-static) STATIC=0 ;;
  --e2e) WANT_E2E=1 ;;
  --)
    shift
    JEST_EXTRA=("$@")
    break
    ;;
  -h | --help)
    usage
    exit 0
    ;;
  *)
    echo "unknown option: $1" >&2
    usage >&2
    exit 2
    ;;
  esac
  shift
done

PHASE_TIMEOUT="${TEST_PHASE_TIMEOUT:-2400}"
INT_WORKERS="${TEST_INT_WORKERS:-1}"
[[ "$INT_WORKERS" =~ ^[1-9][0-9]*$ ]] || {
  echo "TEST_INT_WORKERS must be a positive integer, got ${INT_WORKERS}" >&2
  exit 2
}
RESULTS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/interop-test.XXXXXX")"
PHASES=()
FAILED=()
TESTS_PASSED=0
TESTS_FAILED=0
TESTS_SKIPPED=0
STARTED_KAFKA=0
PG_WAS_THROWAWAY=0
TEST_DB=""
PG_BASE_URL=""

note() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# phase NAME CMD...: runs, times and records one phase; returns its status.
phase() {
  local name="$1" t0 status
  shift
  note "$name"
  t0="$(date +%s%3N)"
  "$@"
  status=$?
  PHASES+=("$(printf '%-22s %8.1f s  %s' "$name" "$(awk "BEGIN{print ($(date +%s%3N)-$t0)/1000}")" "$([ $status -eq 0 ] && echo ok || echo "FAILED ($status)")")")
  [ $status -eq 0 ] || FAILED+=("$name")
  return $status
}

# jest_tier NAME ARGS...: one jest run, its counts added to the totals from jest's JSON report.
jest_tier() {
  local name="$1" report="${RESULTS_DIR}/${1}.json" status
  shift
  timeout --kill-after=30 "$PHASE_TIMEOUT" npx jest "$@" --json --outputFile="$report" "${JEST_EXTRA[@]}"
  status=$?
  [ $status -eq 124 ] && echo "jest ${name}: timed out after ${PHASE_TIMEOUT}s" >&2
  if [ -s "$report" ]; then
    local counts
    counts="$(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests,r.numFailedTests+r.numRuntimeErrorTestSuites,r.numPendingTests+r.numTodoTests)' "$report")"
    read -r p f s <<<"$counts"
    # The slowest files of the tier, for whoever wants the suite faster.
    node -e 'const r=require(process.argv[1]);const rows=r.testResults.map(t=>[(t.endTime-t.startTime)/1000,t.name.slice(process.argv[2].length+1)]).sort((a,b)=>b[0]-a[0]).slice(0,8);console.log(`slowest ${process.argv[3]} files: `+rows.map(([s,n])=>`${n} ${s.toFixed(0)} s`).join(", "))' "$report" "$ROOT" "$name" || true
    TESTS_PASSED=$((TESTS_PASSED + p))
    TESTS_FAILED=$((TESTS_FAILED + f))
    TESTS_SKIPPED=$((TESTS_SKIPPED + s))
  elif [ $status -ne 0 ]; then
    TESTS_FAILED=$((TESTS_FAILED + 1)) # jest died before reporting: count the tier as one failure
  fi
  return $status
}

# (find fails on a folder that does not exist; with pipefail that would read as "no specs": hence the `|| true`.)
has_specs() { { find apps libs contracts circuits scripts test bench chaos -name "$1" -not -path '*/node_modules/*' 2>/dev/null || true; } | grep -q .; }

teardown() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$TEST_DB" ]; then
    DATABASE_URL="$PG_BASE_URL" bash scripts/infra/postgres.sh dropdb "$TEST_DB" >/dev/null ||
      echo "warning: could not drop ${TEST_DB}" >&2
  fi
  [ "$STARTED_KAFKA" -eq 1 ] && bash scripts/infra/kafka.sh stop >/dev/null
  [ "$PG_WAS_THROWAWAY" -eq 0 ] && bash scripts/infra/postgres.sh stop >/dev/null
  rm -rf "$RESULTS_DIR"
  exit "$status"
}
trap teardown EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

install_deps() {
  bash scripts/install-deps.sh
}

infra_up() {
  local out
  # Stop at the end only what this run started: a broker or cluster that was already up is someone else's.
  if ! bash scripts/infra/kafka.sh status >/dev/null 2>&1; then STARTED_KAFKA=1; fi
  out="$(bash scripts/infra/kafka.sh start)" || return 1
  export KAFKA_BROKERS="${out#KAFKA_BROKERS=}"
  bash scripts/infra/kafka.sh topics || return 1
  [ -f "${ROOT}/.cache/pg/started-by-script-${PG_PORT:-55432}" ] && PG_WAS_THROWAWAY=1
  PG_BASE_URL="$(bash scripts/infra/postgres.sh ensure)" || return 1
  TEST_DB="interop_test_$$"
  DATABASE_URL="$(DATABASE_URL="$PG_BASE_URL" bash scripts/infra/postgres.sh createdb "$TEST_DB")" || return 1
  export DATABASE_URL
  echo "KAFKA_BROKERS=${KAFKA_BROKERS}"
  echo "DATABASE_URL=${DATABASE_URL}"
}

# The operator page's browser test drives Debian's chromium with playwright-core (no browser download): install it
# when missing and we are root; otherwise the test fails naming what to install (CHROMIUM_PATH overrides the path).
ensure_chromium() {
  [ -n "${CHROMIUM_PATH:-}" ] && return 0
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (apt-get) for the operator page test"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null ||
      echo "warning: apt-get install chromium failed; the browser test will fail" >&2
  else
    echo "warning: chromium is not installed (as root: apt-get install -y chromium); the browser test will fail" >&2
  fi
  return 0
}

has_npm_script() { node -e 'process.exit(require("./package.json").scripts?.[process.argv[1]] ? 0 : 1)' "$1"; }

run_all() {
  if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ]; then
    phase install install_deps || return 1
  fi
  has_npm_script prisma:generate && phase prisma-generate npm run -s prisma:generate

  if [ "$MODE" = all ]; then
    [ -f scripts/build-contracts.mjs ] && phase contracts-check npm run -s build:contracts -- --check
    # Every epoch shape at production depths; the slow parts are cached once per machine (docs/operations-infra.md).
    [ -f scripts/build-circuits.ts ] && phase circuits-build npx tsx scripts/build-circuits.ts
  fi
  if [ "$MODE" = all ] && [ "$STATIC" -eq 1 ]; then
    phase typecheck npx tsc --noEmit -p tsconfig.json
    phase lint npx eslint .
  fi
  if [ "$MODE" = all ] || [ "$MODE" = unit ]; then
    phase unit jest_tier unit --selectProjects unit
  fi
  [ "$MODE" = unit ] && return 0

  phase infra-up infra_up || return 1
  if [ -f scripts/migrate.ts ] && has_npm_script db:migrate; then
    phase db-migrate npm run -s db:migrate || return 1
  fi
  if [ "$MODE" = all ] || [ "$MODE" = int ]; then
    # In band by default. Each file has its own topics, scratch database and anvil nodes, so TEST_INT_WORKERS=2 runs two
    # at a time; on 2 cores that is not reliable yet (docs/operations-infra.md "npm test").
    if [ "$INT_WORKERS" -eq 1 ]; then
      phase int jest_tier int --selectProjects int --runInBand --forceExit
    else
      phase int jest_tier int --selectProjects int --maxWorkers="$INT_WORKERS" --forceExit
    fi
  fi
  if [ "$MODE" = e2e ] || { [ "$MODE" = all ] && { [ "$WANT_E2E" = 1 ] || has_specs '*.e2e-spec.ts'; }; }; then
    ensure_chromium
    phase e2e jest_tier e2e --selectProjects e2e --runInBand --forceExit
  fi
}

T_START="$(date +%s)"
run_all

note "summary ($(($(date +%s) - T_START)) s)"
printf '%s\n' "${PHASES[@]}"
echo
# The closing line CI reads: "N passed, N failed".
echo "Tests: ${TESTS_PASSED} passed, ${TESTS_FAILED} failed, ${TESTS_SKIPPED} skipped"
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "failed phases: ${FAILED[*]}"
  exit 1
fi
if [ "$TESTS_PASSED" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit 0
