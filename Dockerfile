# syntax=docker/dockerfile:1
# libauthkit: build stage compiles with the same install script and preset that CI uses;
# the runtime stage is Debian 12 slim with only runtime libraries and a non-root user.
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN apt-get update && bash scripts/install-deps.sh \
 && cmake --preset release && cmake --build --preset release \
 && cmake --install build/release --prefix /opt/authkit

FROM debian:12-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl3 libsodium23 libsqlite3-0 libpq5 libhiredis0.14 libcrypt1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/authkit --create-home authkit
COPY --from=build /opt/authkit /usr/local
RUN ldconfig
USER authkit
WORKDIR /var/lib/authkit
ENTRYPOINT ["/usr/local/bin/authkit"]
