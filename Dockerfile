# syntax=docker/dockerfile:1
# The KubeChart image: the web app built with Node and embedded into the release build of the
# static (musl) binary, which runs alone on distroless/static as the non-root user 65532.
#
#   docker build -t kubechart .
#   docker run -p 8080:8080 kubechart

# 1. The web app (web/dist is embedded into the binary at compile time).
FROM docker.io/library/node:22-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# 2. The release binary, statically linked against musl (Alpine's native target).
FROM docker.io/library/rust:1.95-alpine AS build
RUN apk add --no-cache build-base
WORKDIR /src
COPY Cargo.toml Cargo.lock rustfmt.toml ./
COPY crates/ crates/
COPY --from=web /src/web/dist web/dist
RUN cargo build --release --locked -p kubechart-server --bin kubechart \
 && install -D -m 0755 target/release/kubechart /out/usr/local/bin/kubechart \
 && mkdir -p /out/var/lib/kubechart

# 3. Nothing but the binary: no shell, no package manager, no root.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/usr/local/bin/kubechart /usr/local/bin/kubechart
# The data directory (SQLite file, generated keys) when no volume is mounted there.
COPY --from=build --chown=65532:65532 /out/var/lib/kubechart /var/lib/kubechart
ENV KUBECHART_ADDR=0.0.0.0:8080 \
    KUBECHART_DATA_DIR=/var/lib/kubechart \
    KUBECHART_LOG_FORMAT=json
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/kubechart", "serve"]
