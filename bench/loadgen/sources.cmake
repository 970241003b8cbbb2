# authkit-loadgen's sources but main.cpp: the program (bench/loadgen) and its tests
# (tests/loadgen) build from this one list.
set(AUTHKIT_LOADGEN_DIR ${CMAKE_CURRENT_LIST_DIR})
set(AUTHKIT_LOADGEN_SOURCES
  ${AUTHKIT_LOADGEN_DIR}/connection.cpp
  ${AUTHKIT_LOADGEN_DIR}/latency.cpp
  ${AUTHKIT_LOADGEN_DIR}/metrics_text.cpp
  ${AUTHKIT_LOADGEN_DIR}/options.cpp
  ${AUTHKIT_LOADGEN_DIR}/process_stats.cpp
  ${AUTHKIT_LOADGEN_DIR}/recorder.cpp
  ${AUTHKIT_LOADGEN_DIR}/report.cpp
  ${AUTHKIT_LOADGEN_DIR}/runner.cpp
  ${AUTHKIT_LOADGEN_DIR}/scenarios.cpp)
