# syntax=docker/dockerfile:1
# The one `kefu` binary in a small image: `kefu serve --service <name>` runs one service,
# `kefu migrate` applies the migrations (see docker-compose.yml and helm/kefu).
#
#   docker build -t kefu:dev .

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

# cargo-chef turns the workspace's manifests into a recipe, so the dependency layer is
# rebuilt only when Cargo.toml/Cargo.lock change, not on every source edit.
FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS chef
RUN cargo install --locked cargo-chef --version 0.1.78
WORKDIR /src

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /src/recipe.json recipe.json
# Dependencies only (librdkafka is built from source here, by its configure script).
RUN cargo chef cook --release --locked --recipe-path recipe.json --package kefu
COPY . .
RUN cargo build --release --locked --package kefu \
    && strip target/release/kefu

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="kefu" \
      org.opencontainers.image.description="Kefu: a multi-tenant customer-service suite (accounts, customers, tickets, gateway)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/kefu/kefu" \
      org.opencontainers.image.vendor="Kefu"
# ca-certificates for TLS to PostgreSQL, SMTP, S3 and OTLP; libz is already in the base.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 kefu \
    && useradd --system --uid 10001 --gid kefu --home-dir /var/lib/kefu --shell /usr/sbin/nologin kefu \
    && mkdir -p /var/lib/kefu \
    && chown kefu:kefu /var/lib/kefu
COPY --from=builder /src/target/release/kefu /usr/local/bin/kefu
USER 10001:10001
WORKDIR /var/lib/kefu
ENV KEFU_DATA_DIR=/var/lib/kefu \
    KEFU_LOG_FORMAT=json
EXPOSE 8080 8081 8082 8083
# Which service runs is chosen at `docker run` time, so the URL to check is too
# (KEFU_HEALTH_URL); the gateway's by default. Kubernetes uses its own probes instead.
HEALTHCHECK --interval=10s --timeout=4s --start-period=20s --retries=3 CMD ["kefu", "health"]
ENTRYPOINT ["kefu"]
CMD ["serve"]
