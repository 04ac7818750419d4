# procflow — one image for the service. Build: docker build -t procflow .
# Run (SQLite in a volume): docker run -p 3000:3000 -v procflow-data:/app/data procflow
# Run on Postgres: add -e PROCFLOW_DATABASE_URL=postgres://user:pass@host:5432/db
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds its native addon when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# From the committed lock, exactly (it lists every platform's optional builds).
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY bench ./bench
COPY web ./web
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    PROCFLOW_HOST=0.0.0.0 \
    PROCFLOW_PORT=3000 \
    PROCFLOW_DATABASE_URL=sqlite:/app/data/procflow.db \
    PROCFLOW_PROCESSES_DIR=/app/processes
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY package.json ./
COPY processes ./processes
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
