// authkit-loadgen: a load generator for authkit-server, running the original service's k6
// scenarios (and single-route loads) over keep-alive connections, one per worker.
// Usage and what it measures: docs/benchmarks/overload.md#load-generator, or --help.
#include <cstdio>
#include <fstream>

#include "options.hpp"
#include "report.hpp"
#include "runner.hpp"

int main(int argc, char** argv) {
  const auto parsed = loadgen::parse_options(argc, argv);
  if (!parsed.options) {
    if (parsed.error.empty()) return 0;  // --help
    std::fprintf(stderr, "authkit-loadgen: %s\n", parsed.error.c_str());
    return 2;
  }
  const auto& options = *parsed.options;
  const auto outcome = loadgen::run(options);
  if (!outcome.result) {
    std::fprintf(stderr, "authkit-loadgen: %s\n", outcome.error.c_str());
    return 1;
  }
  const auto report = loadgen::report_json(options, *outcome.result);
  if (!options.json_path.empty()) {
    std::ofstream file(options.json_path);
    file << report.dump(2) << "\n";
    if (!file) {
      std::fprintf(stderr, "authkit-loadgen: cannot write %s\n", options.json_path.c_str());
      return 1;
    }
  }
  if (!options.quiet) std::fputs(loadgen::report_text(report).c_str(), stdout);
  return 0;
}
