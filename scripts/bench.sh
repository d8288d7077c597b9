#!/usr/bin/env bash
# `npm run bench`: runs every benchmark (bench/<name>/run.ts) one after the other; each prints a JSON summary and
# keeps it in bench/results/<name>.json.
#
# usage: npm run bench [-- NAME...]
#   NAME    only these benchmarks (e.g. `npm run bench -- protocol gas`); the circuits of every epoch shape are built
#           (cached per machine) before the benchmarks that prove
#
# Benchmarks that need Kafka or Postgres get the same real parts as `npm test` (started here if missing, stopped
# afterwards). Benchmarks measure speed; tests check correctness: nothing here asserts a figure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

NAMES=()
for arg in "$@"; do
  case "$arg" in
  -h | --help)
    sed -n '4,6p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *) NAMES+=("$arg") ;;
  esac
done
if [ ${#NAMES[@]} -eq 0 ]; then
  for f in bench/*/run.ts; do NAMES+=("$(basename "$(dirname "$f")")"); done
fi

[ -d node_modules ] || bash scripts/install-deps.sh || exit 1
npm run -s prisma:generate >/dev/null || exit 1

STARTED_KAFKA=0
BENCH_DB=""
PG_BASE_URL=""
cleanup() {
  if [ -n "$BENCH_DB" ]; then DATABASE_URL="$PG_BASE_URL" bash scripts/infra/postgres.sh dropdb "$BENCH_DB" >/dev/null; fi
  [ "$STARTED_KAFKA" -eq 1 ] && bash scripts/infra/kafka.sh stop >/dev/null
}
trap cleanup EXIT

needs_infra() { grep -qE "KAFKA_BROKERS|DATABASE_URL" "bench/$1/run.ts"; }
infra_up() {
  [ -n "$BENCH_DB" ] && return 0
  bash scripts/infra/kafka.sh status >/dev/null 2>&1 || STARTED_KAFKA=1
  local out
  out="$(bash scripts/infra/kafka.sh start)" || return 1
  export KAFKA_BROKERS="${out#KAFKA_BROKERS=}"
  bash scripts/infra/kafka.sh topics >/dev/null || return 1
  PG_BASE_URL="$(bash scripts/infra/postgres.sh ensure)" || return 1
  BENCH_DB="interop_bench_$$"
  DATABASE_URL="$(DATABASE_URL="$PG_BASE_URL" bash scripts/infra/postgres.sh createdb "$BENCH_DB")" || return 1
  export DATABASE_URL
  DATABASE_URL="$DATABASE_URL" npm run -s db:migrate >/dev/null || return 1
}

FAILED=()
for name in "${NAMES[@]}"; do
  if [ ! -f "bench/${name}/run.ts" ]; then
    echo "no benchmark bench/${name}/run.ts" >&2
    FAILED+=("$name")
    continue
  fi
  printf '\n\033[1m==> bench %s\033[0m\n' "$name"
  if needs_infra "$name"; then infra_up || { FAILED+=("$name"); continue; }; fi
  case "$name" in
  prover)
    npx tsx scripts/build-circuits.ts || { FAILED+=("$name"); continue; }
    npx tsx bench/prover/run.ts || FAILED+=("$name")
    ;;
  *) npx tsx "bench/${name}/run.ts" || FAILED+=("$name") ;;
  esac
done

echo
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "failed benchmarks: ${FAILED[*]}" >&2
  exit 1
fi
echo "results in bench/results/"
