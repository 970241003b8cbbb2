# The README's two commands: `make run` (the program on embedded defaults) and `make test`
# (every test suite). Both install what is missing first, so they work on a fresh Debian 12:
# `make run` only the build group of scripts/install-deps.sh, every other target all groups.
#
#   make run         build (run preset, build/run) and run authkit-server on embedded defaults
#                    (SQLite, memory limiter); no test, benchmark or packaging tool needed
#   make test        configure, build, package and run every suite through ctest (dev preset)
#   make package     the .deb packages of the dev build, in build/dev/packages
#   make test-asan   the same suites under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench       build and run the benchmarks (release build)
#   make fuzz SECONDS=N  libFuzzer on every tests/fuzz target (clang 14, ASan + UBSan, build/fuzz):
#                    N seconds each, 5 x N for token and request_body (FUZZ_LONG_SECONDS), two at
#                    a time; prints executions and coverage per target (docs/testing.md)
#   make bench-overload  only the overload figures (docs/benchmarks/overload.md)
#   make bench-auth  the original's benchmark and the server's memory
#                    (docs/benchmarks/auth-benchmark.md)
#   make bench-import  import-original of a generated original database (100k users, 3.4M rows)
#                    into SQLite and PostgreSQL: rows/s and peak RSS (docs/benchmarks/import.md)
#   make format      clang-format every C/C++ file in place
#   make tidy        clang-tidy (.clang-tidy) on the library, server and C ABI sources; fails on
#                    any finding (CI runs it)
#   make coverage    line and branch coverage of src/, capi/, examples/server over the suites
#                    (coverage preset, build/coverage; docs/testing.md)
#   make docs        the C++ and C API reference (doxygen, docs/Doxyfile) in build/docs/html
#
# AUTHKIT_WERROR=ON turns warnings into errors (CI sets it).

AUTHKIT_WERROR ?= OFF
JOBS ?= 2
SECONDS ?= 60
FUZZ_LONG_SECONDS ?= $(shell echo $$(( $(SECONDS) * 5 )))
CMAKE_FLAGS = -DAUTHKIT_WERROR=$(AUTHKIT_WERROR)

.PHONY: deps deps-build run test package tidy coverage docs test-asan test-tsan bench bench-overload \
	bench-auth bench-import fuzz format check-format clean

deps:
	@scripts/install-deps.sh

deps-build:
	@scripts/install-deps.sh build

run: deps-build
	cmake --preset run $(CMAKE_FLAGS) >/dev/null
	cmake --build --preset run --target authkit-server
	scripts/run-server.sh build/run/examples/server/authkit-server

# scripts/build-release.sh is also the Dockerfile's build step: running it here keeps it working.
test: deps
	AUTHKIT_WERROR=$(AUTHKIT_WERROR) scripts/build-release.sh dev
	scripts/with-services.sh ctest --preset dev

package: deps
	AUTHKIT_WERROR=$(AUTHKIT_WERROR) scripts/build-release.sh dev

test-asan: deps
	cmake --preset asan $(CMAKE_FLAGS)
	cmake --build --preset asan
	scripts/with-services.sh ctest --preset asan

test-tsan: deps
	cmake --preset tsan $(CMAKE_FLAGS)
	cmake --build --preset tsan
	scripts/with-services.sh ctest --preset tsan

bench: deps
	cmake --preset bench
	cmake --build --preset bench
	scripts/with-services.sh scripts/run-benchmarks.sh build/bench

bench-overload: deps
	cmake --preset bench
	cmake --build --preset bench --target authkit-server authkit-loadgen
	scripts/with-services.sh bench/overload_bench.sh build/bench

bench-auth: deps
	cmake --preset bench
	cmake --build --preset bench --target authkit-server authkit-loadgen
	scripts/with-services.sh bench/auth_benchmark.sh build/bench

bench-import: deps
	cmake --preset bench
	cmake --build --preset bench --target authkit-server
	scripts/with-services.sh bench/import_bench.sh build/bench/examples/server/authkit-server

# Only the build and fuzz groups: the fuzzers need clang 14 and libclang-rt-14-dev, not the test tools.
fuzz:
	@scripts/install-deps.sh build fuzz
	AUTHKIT_WERROR=$(AUTHKIT_WERROR) scripts/fuzz.sh $(SECONDS) $(FUZZ_LONG_SECONDS)

format:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format -i

# clang-tidy reads the compile commands of the dev build's configure step, which also writes the
# one generated header the sources include (authkit/version.hpp): no build is needed. Every check
# is an error (WarningsAsErrors in .clang-tidy), so run-clang-tidy exits non-zero on any finding.
tidy: deps
	cmake --preset dev $(CMAKE_FLAGS) >/dev/null
	run-clang-tidy -p build/dev -j $(JOBS) -quiet '$(CURDIR)/(src|examples|capi)/.*\.(cpp|c)$$'

# The suites (all but the packaging label) on an instrumented build, then the report. Old counts
# are removed first; the report is written even when a test fails, and make then fails too.
coverage: deps
	cmake --preset coverage $(CMAKE_FLAGS)
	cmake --build --preset coverage
	find build/coverage -name '*.gcda' -delete
	status=0; scripts/with-services.sh ctest --preset coverage || status=$$?; \
	  scripts/coverage-report.sh build/coverage && exit $$status

# Warnings are errors (docs/Doxyfile): an undocumented public declaration fails the target.
docs: deps
	doxygen docs/Doxyfile
	@echo "API reference: build/docs/html/index.html"

check-format:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build
