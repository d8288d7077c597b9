#!/bin/sh
# Entrypoint of the docker-compose app services (docker-compose.yml x-app): exports what the deploy service wrote to
# DEPLOY_ENV_FILE (scripts/compose/deploy.ts: L1_HUB_ADDRESS, CHAINS_JSON, CHAIN_<id>_* addresses), maps the
# contracts of this process's CHAIN_ID (a chain app) to INTEROP_CENTER_ADDRESS, INTEROP_HANDLER_ADDRESS and
# START_BLOCK unless they are set already, then runs the command. The compose e2e test runs it as it is.
set -eu
file="${DEPLOY_ENV_FILE:-/deploy/network.env}"
if [ ! -f "$file" ]; then
  echo "entrypoint: $file does not exist: the deploy service has not written the contract addresses" >&2
  exit 1
fi
set -a
. "$file"
set +a
if [ -n "${CHAIN_ID:-}" ]; then
  for var in INTEROP_CENTER_ADDRESS INTEROP_HANDLER_ADDRESS START_BLOCK; do
    src="CHAIN_${CHAIN_ID}_${var}"
    eval "current=\${$var:-}"
    eval "value=\${$src:-}"
    if [ -z "$current" ]; then
      if [ -z "$value" ]; then
        echo "entrypoint: $file has no $src (is chain $CHAIN_ID in the deploy service's L2_CHAIN_IDS?)" >&2
        exit 1
      fi
      export "$var=$value"
    fi
  done
fi
exec "$@"
