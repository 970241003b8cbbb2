# syntax=docker/dockerfile:1
# authkit-server image. Every RUN calls a script that `make test` runs too (scripts/install-deps.sh,
# scripts/build-release.sh, packaging/docker/install-debs.sh --simulate), and
# tests/packaging/dockerfile_check.py fails if a RUN does anything else: there is no Docker engine in
# CI, so this file is kept honest through its scripts. Review: docs/packaging.md.

# --- build: the CI toolchain, the release build and its .deb packages.
FROM debian:12 AS build
WORKDIR /src
# The dependency layer is cached until the package list changes.
COPY scripts/install-deps.sh scripts/
RUN scripts/install-deps.sh
COPY . .
RUN scripts/build-release.sh release

# --- runtime: Debian 12 slim with libauthkit1 + authkit-server installed by apt, which brings
# only their runtime Depends; the package's postinst creates the non-root user `authkit`.
FROM debian:12-slim AS runtime
RUN --mount=type=bind,from=build,source=/src/build/release/packages,target=/tmp/debs \
    --mount=type=bind,source=packaging/docker/install-debs.sh,target=/tmp/install-debs.sh \
    /tmp/install-debs.sh /tmp/debs
COPY packaging/docker/entrypoint.sh packaging/docker/healthcheck.sh /usr/local/lib/authkit/
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_URL=sqlite:///var/lib/authkit/authkit.db \
    MIGRATE_ON_START=false
USER authkit
WORKDIR /var/lib/authkit
VOLUME ["/var/lib/authkit"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 \
  CMD ["/usr/local/lib/authkit/healthcheck.sh"]
# Exec form, and `exec` in the entrypoint: authkit-server runs as PID 1 and gets `docker stop`'s
# SIGTERM itself (it waits for it with sigwait, so PID 1's ignore-by-default rule does not bite).
ENTRYPOINT ["/usr/local/lib/authkit/entrypoint.sh"]
CMD ["serve"]
