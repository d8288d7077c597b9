#!/usr/bin/env bash
# Installs node_modules at the versions in package-lock.json. `npm ci` would be the usual choice, but its lockfile
# check wants an entry for every platform's optional binary (@foundry-rs/anvil-darwin-*, ...), and the registry
# reachable here does not serve those, so the lockfile cannot list them; `npm install` keeps the locked versions and
# skips optional packages that are not served.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --prefer-offline
