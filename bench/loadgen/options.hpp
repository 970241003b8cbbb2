// The load generator's command line: the target, and one or more groups of workers, each
// running one scenario (see docs/benchmarks/overload.md#load-generator for the usage).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace loadgen {

using Millis = std::chrono::milliseconds;

// One group of workers running the same scenario, as one k6 scenario of the original's script.
struct GroupSpec {
  std::string scenario;            // a scenario's name (scenarios.hpp)
  std::string name;                // the label in the report; the scenario's name unless given
  int workers = 5;                 // each its own thread and connection
  std::optional<Millis> duration;  // constant-vus: loop until this has passed
  std::optional<long> iterations;  // per-vu-iterations: this many per worker
  Millis think{0};                 // pause at the end of every iteration
  Millis start{0};                 // delay before the group starts, from the common start
  Millis spread{0};                // the workers start one after another over this time
  Millis interval{0};              // start iterations at most this often (pacing), 0 = back to back
  bool probe = false;  // runs beside the other groups until they end, connected before the start
  bool keep_alive = true;  // false: a new connection for every request
  std::string source;      // local address to bind (an address of 127.0.0.0/8), or empty
};

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::vector<GroupSpec> groups;
  Millis timeout{30'000};  // connect and read timeout of every request
  std::string json_path;   // empty: no JSON file
  int server_pid = 0;      // 0: no server figures
  // Read the server's /metrics before and after the run (its password-hashing CPU time), with
  // this bearer token when not empty.
  bool server_metrics = false;
  std::string metrics_token;
  Millis rss_every{0};  // with server_pid: also record the server's RSS this often (0: no)
  bool quiet = false;   // no human summary
};

// The parsed command line, or an error message for the user (empty when --help was asked:
// the usage has then been printed).
struct ParsedOptions {
  std::optional<Options> options;
  std::string error;
};

ParsedOptions parse_options(int argc, char** argv);

// "10s", "250ms", "2m", or a bare number of milliseconds.
std::optional<Millis> parse_duration(const std::string& text);

}  // namespace loadgen
