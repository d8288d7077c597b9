# One image for the three apps (hub, chain, bridge) and the migration runner; the command picks the app.
# docker build -t interop-hub . && docker run --env-file .env interop-hub node dist/apps/hub/src/main.js
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN bash scripts/prisma-generate.sh \
 && npx nest build hub && npx nest build chain && npx nest build bridge

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# tsx + the wasm schema engine are needed by scripts/migrate.ts, so dev dependencies stay (the image is for devnets).
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
# The bridge's operator page (static files; dist/ holds only compiled code).
COPY --from=build /app/apps/bridge/src/operator/public ./apps/bridge/src/operator/public
COPY --from=build /app/scripts/migrate.ts ./scripts/migrate.ts
COPY package.json tsconfig.json ./
USER node
EXPOSE 3000 3001 3100
CMD ["node", "dist/apps/hub/src/main.js"]
