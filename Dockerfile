# Production image for both processes: `node dist/api/main.js` (default) and `node dist/worker/main.js`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY policy ./policy
# Evidence uploads live on a volume mounted here (see docker-compose.yml).
RUN mkdir -p /data/evidence && chown node:node /data/evidence
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
