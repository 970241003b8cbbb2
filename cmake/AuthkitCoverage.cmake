# Line and branch coverage with gcc's --coverage (the `coverage` preset, `make coverage`).
#
# Every target of the build is instrumented (the library, the C ABI, the server, the bindings and
# the tests); scripts/coverage-report.sh then reports src/, capi/ and examples/server only.
# -fprofile-update=atomic: the server, the stores and the rate limiters run on several threads,
# and plain counter updates would lose counts (or tear) when two threads run the same line.
option(AUTHKIT_COVERAGE "Instrument the build for line and branch coverage (gcc --coverage)" OFF)

if(AUTHKIT_COVERAGE)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    message(FATAL_ERROR "AUTHKIT_COVERAGE needs gcc (gcov); the compiler is ${CMAKE_CXX_COMPILER_ID}")
  endif()
  add_compile_options(--coverage -fprofile-update=atomic)
  add_link_options(--coverage)
endif()
