# syntax=docker/dockerfile:1
# One image for every app: the command picks gateway, billing, emulator or migrations.
# Node.js 24, a supported LTS line (20 reached its end of life in April 2026); CI runs the test suite on
# this major too (.ci/run), besides the machine's own Node.js.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json .swcrc nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY scripts ./scripts
COPY bench ./bench
RUN npm run build

FROM node:24-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
USER node
EXPOSE 8080 8081 8090
# SIGTERM reaches node directly (exec form): the gateway drains, billing finishes its jobs.
CMD ["node", "--max-semi-space-size=16", "dist/apps/gateway/src/main.js"]
