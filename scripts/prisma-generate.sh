#!/usr/bin/env bash
# Generates the Prisma client into prisma/generated without letting the CLI download its native schema engine:
# `generate` never runs the engine, but the CLI resolves one first and fails offline unless it is told a binary exists.
set -euo pipefail
cd "$(dirname "$0")/.."
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/bin/true}"
export PRISMA_HIDE_UPDATE_MESSAGE=1
exec npx --no-install prisma generate "$@"
