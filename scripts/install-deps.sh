#!/usr/bin/env bash
# Installs exactly the Debian 12 packages libauthkit's build, tests and benchmarks need.
# Idempotent: when everything is present it makes no apt call. Not root: prints the command.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config ccache clang-format clang-tidy
  # library dependencies
  libssl-dev libsodium-dev libsqlite3-dev libpq-dev libhiredis-dev libcrypt-dev nlohmann-json3-dev
  # server
  libcpp-httplib-dev
  # e2e: headless browser test of /docs (Swagger UI)
  chromium
  # tests: Catch2, real PostgreSQL and Redis servers, Python
  catch2 postgresql-15 redis-server python3 python3-pytest python3-requests
  # benchmarks (libjwt is only the benchmark's reference, never linked by the library)
  libbenchmark-dev libjwt-dev wrk
  # promtool (package prometheus) checks the metrics text in the core tests and the scrape config
  prometheus
  # C ABI and bindings: SWIG + Python headers, the ABI baseline check, the leak check
  swig python3-dev abigail-tools valgrind
  # packaging: CPack's .deb (dpkg-shlibdeps, file), lintian, nginx (+ curl) on the proxy example with a
  # throw-away certificate, systemd-analyze on the unit, YAML checks of compose and Prometheus
  dpkg-dev file lintian nginx openssl curl systemd python3-yaml
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}"
  echo "install-deps: run as root:"
  echo "  $cmd"
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
# Never let a package's post-install start a service on this machine (there is no systemd, and
# the tests start their own throw-away servers on free ports).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
fi
trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
