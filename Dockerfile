# custom-scheduler image: build with the full toolchain, ship only the compiled code and
# the production dependencies, run as an unprivileged user.
#   docker build -t custom-scheduler:dev .
# The same install steps run outside a container in test/deploy/production-install.test.ts
# and scripts/deploy/local-scheduler.sh (a clean directory, npm ci --omit=dev, node dist/main.js run).

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-slim AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The image's `node` user, by number, so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# 10259: HTTPS in a cluster (k8s/deployment.yaml); the default outside one is 8080, plain HTTP.
EXPOSE 10259
ENTRYPOINT ["node", "dist/main.js", "run"]
