# syntax=docker/dockerfile:1
# agentctl in a small runtime image (for deploy/kubernetes/job.yaml):
#   docker build -t agentctl:latest .
FROM rust:1.89-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin agentctl \
    && cp target/release/agentctl /usr/local/bin/agentctl

# glibc and CA certificates, no shell, a non-root user: ~25 MB with the binary.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /usr/local/bin/agentctl /usr/local/bin/agentctl
USER nonroot
ENTRYPOINT ["/usr/local/bin/agentctl"]
