# syntax=docker/dockerfile:1
# One image for every docker-compose service that is not infrastructure: the apps (hub, chain, bridge) and the
# one-shot jobs (migrate, kafka-topics, deploy, register); the command picks one (docker-compose.yml).
#   docker build -t interop-hub:dev .
# It carries what the apps and jobs read at boot: the sources (the apps run with tsx, as `npm run devnet` runs them),
# node_modules with the dev dependencies (tsx, the wasm schema engine of scripts/migrate.ts), the generated Prisma
# client (prisma/generated), the committed ABIs and bytecode (libs/contracts/src/generated), circuits/shapes and
# circuits/keys, and the built circuits (circuits/build/<shape>/: wasm, zkey, r1cs) the hub proves with.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN bash scripts/prisma-generate.sh
# The circuits of every circuits/shapes epoch shape, with the INSECURE dev ceremony (scripts/build-circuits.ts): about
# 7 min on 2 cores the first time; the trusted-setup cache (ZK_CACHE_DIR) is a BuildKit cache mount, so a rebuild of
# the image after a code change takes seconds. The committed circuits/keys are checked against the built keys.
RUN --mount=type=cache,target=/zk-cache ZK_CACHE_DIR=/zk-cache npm run build:circuits

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# The deploy service writes the contract addresses to the named volume mounted here (a new volume takes this
# directory's owner, so the node user can write it).
RUN mkdir -p /deploy && chown node:node /deploy
USER node
EXPOSE 3000 3001 3100 3101
CMD ["node", "--import", "tsx", "apps/hub/src/main.ts"]
