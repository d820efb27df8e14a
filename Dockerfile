# syntax=docker/dockerfile:1
# The bot in a container: `docker compose up -d` (see docker-compose.yml and the README).
# scripts/container-check.ts performs the same steps outside Docker in CI (no Docker engine there).

# --- Build: install with the compilers better-sqlite3's native module needs, then drop dev tools.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/optout-bot
COPY package.json package-lock.json .npmrc ./
# Builds better-sqlite3 from source when no prebuilt binary fits (e.g. on a Raspberry Pi).
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Only the backup script runs in the image (the others need the test fakes).
COPY scripts/backup.ts ./scripts/
COPY data/guides ./data/guides
# Compile to dist/ (type-checking the sources on the way): the bot runs as plain JavaScript,
# without the TypeScript loader `npm start` uses while developing (27 MB less memory).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- Run: no compilers, no dev dependencies, not root.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATABASE_PATH=/app/data/optout.sqlite \
    HTTP_PORT=8080 \
    HTTP_HOST=0.0.0.0
# The code lives apart from the volume: /app/data holds only the database, so an upgrade
# never sees stale guides from an old image in a volume.
WORKDIR /opt/optout-bot
COPY --from=build /opt/optout-bot ./
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME /app/data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1 and handles SIGTERM: updates in flight finish (at most 10 s), then exit 0.
# A 4 MB semi-space for the young generation (V8's default is 16 MB, which would keep ~30 MB more
# resident). 2 MB was too small under load: at 500 updates/s, objects of updates in flight
# outlived it and went to the old generation, and collecting took the event loop 100-170 ms a
# second in bursts. The minimum is 4 MB too: when the bot is quiet V8 shrinks the young
# generation (8 MB under load) to 1 MB, and the first second of the next burst of clicks paid
# those same collections until it grew back; kept at 4 MB, it costs about 3 MB while quiet
# (see BENCHMARKS.md). Same flags as `npm run start:prod`.
CMD ["node", "--min-semi-space-size=4", "--max-semi-space-size=4", "dist/main.js"]
