#!/usr/bin/env bash
# Installs the Debian 12 packages libauthkit needs, by group:
#   scripts/install-deps.sh build   what `make run` needs: the toolchain and the libraries the
#                                   library and authkit-server build against (the `run` preset)
#   scripts/install-deps.sh         every group (build, tools, test, bench): `make test`,
#                                   `make package`, `make test-asan`, `make bench`, CI, Dockerfile
#   scripts/install-deps.sh build fuzz   what `make fuzz` needs (not in the default groups: CI
#                                   and the packages do not fuzz)
# Several groups may be named (`... build bench`). Idempotent: when every package of the named
# groups is present it makes no apt call. Not root: prints the command.
# docs/development.md lists what each group adds on a fresh Debian 12.
set -euo pipefail

# build: what cmake/AuthkitDependencies.cmake finds (OpenSSL, SQLite3, nlohmann_json, libsodium,
# libxcrypt, PostgreSQL's libpq, hiredis, cpp-httplib) and the compiler, cmake, make, pkg-config.
build=(
  build-essential cmake pkg-config
  libssl-dev libsodium-dev libsqlite3-dev libpq-dev libhiredis-dev libcrypt-dev nlohmann-json3-dev
  libcpp-httplib-dev
)
# tools: the compiler cache, the format / lint tools (make format, check-format, tidy), the
# coverage report (make coverage: gcovr reads gcc's .gcda files) and doxygen (make docs: the
# C++ and C API reference).
tools=(ccache clang-format clang-tidy gcovr doxygen)
test=(
  # e2e: headless browser test of /docs (Swagger UI)
  chromium
  # tests: Catch2, real PostgreSQL and Redis servers, Python
  catch2 postgresql-15 redis-server python3 python3-pytest python3-requests
  # e2e: an independent verifier of the JWKS and the access tokens (PyJWKClient), key generation
  python3-jwt python3-cryptography
  # promtool (package prometheus) checks the metrics text in the core tests and the scrape config
  prometheus
  # C ABI and bindings: SWIG + Python headers, the ABI baseline check, the leak check
  swig python3-dev abigail-tools valgrind
  # packaging: CPack's .deb (dpkg-shlibdeps, file), lintian, nginx (+ curl) on the proxy example with a
  # throw-away certificate, systemd-analyze on the unit, YAML checks of compose and Prometheus
  dpkg-dev file lintian nginx openssl curl systemd python3-yaml
)
# bench: libjwt is only the benchmark's reference, never linked by the library; GNU time gives
# the import benchmark its peak RSS.
bench=(libbenchmark-dev libjwt-dev wrk time)
# fuzz: clang 14 and its runtime libraries (libFuzzer, ASan, UBSan) for `make fuzz`.
fuzz=(clang-14 libclang-rt-14-dev)

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build tools test bench)

packages=()
for group in "${groups[@]}"; do
  case "$group" in
    build) packages+=("${build[@]}") ;;
    tools) packages+=("${tools[@]}") ;;
    test) packages+=("${test[@]}") ;;
    bench) packages+=("${bench[@]}") ;;
    fuzz) packages+=("${fuzz[@]}") ;;
    *)
      echo "install-deps: unknown group '$group' (groups: build tools test bench fuzz; none: all but fuzz)" >&2
      exit 2
      ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present (${groups[*]})"
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
