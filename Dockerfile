# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: compiled JavaScript and production dependencies only, as an unprivileged user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 SWITCHYARD_CONFIG=/app/router.yaml
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json router.yaml ./
COPY config ./config
# The learned classifier's weights: dist/classify/learned/model-file.js reads /app/models/complexity.json.
COPY models ./models
# The base image's unprivileged node user, by number (uid and gid 1000): Kubernetes' runAsNonRoot can
# only verify a numeric user. The files above stay root-owned, so the process cannot change its code.
USER 1000:1000
# 9464: /metrics, /healthz and /readyz when router.yaml sets server.metricsPort: 9464 (the Kubernetes
# manifest does); without it /metrics is on 8080 behind the admin token.
EXPOSE 8080 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Exec form: node is PID 1 and receives SIGTERM itself, which starts the graceful drain.
# --max-old-space-size: V8 lets the heap grow up to 4x its live size between full collections on a
# host with a large heap limit; 768 MB keeps that factor near 1.5, and RSS under 150 MB (README).
CMD ["node", "--max-old-space-size=768", "dist/main.js"]
