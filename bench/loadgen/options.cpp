#include "options.hpp"

#include <charconv>
#include <cstdio>
#include <string_view>

#include "scenarios.hpp"

namespace loadgen {
namespace {

constexpr const char* kUsage = R"(usage: authkit-loadgen --url http://127.0.0.1:PORT [options]

Runs scenarios of the original service's k6 script (and a few more) against authkit-server with
keep-alive connections, one per worker, and reports latency percentiles, statuses and checks.

Scenarios:
  session-lifecycle  register -> login -> GET /v1/auth/me            (6 checks an iteration)
  refresh-replay     register -> login -> refresh -> replay the old refresh token,
                     expecting 401 REFRESH_TOKEN_REUSED              (6 checks)
  lifecycle          both chained: register -> login -> me -> refresh -> replay (10 checks)
  me                 GET /v1/auth/me with a session opened before the run (2 checks)
  refresh-chain      refresh, then refresh again with the new token  (2 checks)
  login              login of one user registered before the run     (3 checks)
  health             GET /health                                      (1 check)

Options for a single group (the default group, when no --group is given):
  --scenario NAME      scenario (default lifecycle)
  --workers N          workers, each its own thread and connection (default 5)
  --duration D         run for D (10s, 500ms, 2m); default 10s unless --iterations is given
  --iterations N       iterations per worker (with --duration: whichever ends first)
  --think D            pause at the end of every iteration (default 0; the original: 1s)

Several groups at once:
  --group SPEC         SCENARIO[,key=value...], repeatable. Keys: name, workers, duration,
                       iterations, think, start (delay), spread (start the workers one
                       after another over this time), interval (pacing of iterations),
                       probe=1 (one worker unless told, its connection opened before
                       the start, runs until the other groups end), keep-alive=0|1,
                       source=127.x.y.z (local address to bind). Unset keys take the
                       single-group options above.
  --profile original   the original's published run: session-lifecycle 5 workers for 20s
                       with 1s think time, beside refresh-replay 5 workers x 25 iterations
                       starting after 2s (--think overrides the 1s)

Output:
  --json FILE          write the full report as JSON
  --server-pid PID     also report that process's CPU time and memory (from /proc)
  --server-metrics     also read the server's /metrics before and after the run: the CPU time
                       it spent hashing passwords, and (with --server-pid) its share of the
                       server's CPU time
  --metrics-token T    the bearer token of /metrics (implies --server-metrics)
  --rss-every D        with --server-pid: record the server's RSS every D (e.g. 5s) in the
                       JSON report (server.rss_series)
  --timeout D          connect and read timeout of every request (default 30s)
  --quiet              no human summary on stdout
)";

bool parse_long(std::string_view text, long& out) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

bool parse_positive_int(std::string_view text, int& out) {
  long value = 0;
  if (!parse_long(text, value) || value < 1 || value > 100'000) return false;
  out = static_cast<int>(value);
  return true;
}

bool parse_bool(std::string_view text, bool& out) {
  if (text == "1" || text == "true") {
    out = true;
  } else if (text == "0" || text == "false") {
    out = false;
  } else {
    return false;
  }
  return true;
}

// http://HOST:PORT (no path: the scenarios know theirs).
bool parse_url(std::string_view url, Options& options) {
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme) return false;
  url.remove_prefix(scheme.size());
  if (!url.empty() && url.back() == '/') url.remove_suffix(1);
  const auto colon = url.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  long port = 0;
  if (!parse_long(url.substr(colon + 1), port) || port < 1 || port > 65535) return false;
  options.host = std::string(url.substr(0, colon));
  options.port = static_cast<int>(port);
  return true;
}

// Applies one key=value of a --group SPEC; an error message, or empty.
std::string apply_group_key(GroupSpec& group, std::string_view key, std::string_view value) {
  const std::string text(value);
  bool ok = true;
  if (key == "name") {
    group.name = text;
    ok = !text.empty();
  } else if (key == "workers") {
    ok = parse_positive_int(value, group.workers);
  } else if (key == "duration") {
    group.duration = parse_duration(text);
    ok = group.duration.has_value() && group.duration->count() > 0;
  } else if (key == "iterations") {
    long n = 0;
    ok = parse_long(value, n) && n > 0;
    group.iterations = n;
  } else if (key == "think" || key == "start" || key == "interval" || key == "spread") {
    const auto d = parse_duration(text);
    ok = d.has_value();
    if (ok) {
      auto& field = key == "think"    ? group.think
                    : key == "start"  ? group.start
                    : key == "spread" ? group.spread
                                      : group.interval;
      field = *d;
    }
  } else if (key == "probe") {
    ok = parse_bool(value, group.probe);
  } else if (key == "keep-alive") {
    ok = parse_bool(value, group.keep_alive);
  } else if (key == "source") {
    group.source = text;
    ok = text.rfind("127.", 0) == 0;  // load only to and from loopback
  } else {
    return "unknown key in --group: " + std::string(key);
  }
  return ok ? std::string() : "bad value for " + std::string(key) + ": " + text;
}

std::string parse_group(std::string_view spec, const GroupSpec& defaults, GroupSpec& group) {
  group = defaults;
  group.name.clear();
  const auto comma = spec.find(',');
  group.scenario = std::string(spec.substr(0, comma));
  if (!scenario_exists(group.scenario)) return "unknown scenario: " + group.scenario;
  std::string_view rest = comma == std::string_view::npos ? "" : spec.substr(comma + 1);
  bool workers_given = false;
  while (!rest.empty()) {
    const auto next = rest.find(',');
    const auto item = rest.substr(0, next);
    rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) return "expected key=value in --group: " + std::string(item);
    const auto key = item.substr(0, eq);
    if (auto error = apply_group_key(group, key, item.substr(eq + 1)); !error.empty()) {
      return error;
    }
    workers_given = workers_given || key == "workers";
  }
  if (group.probe && !workers_given) group.workers = 1;  // a probe is one client unless told
  return {};
}

// The original's published run (its k6 script's two scenarios, run together).
std::vector<GroupSpec> original_profile(const GroupSpec& defaults, bool think_given) {
  GroupSpec lifecycle = defaults;
  lifecycle.scenario = lifecycle.name = "session-lifecycle";
  lifecycle.workers = 5;
  lifecycle.duration = Millis(20'000);
  lifecycle.iterations.reset();
  if (!think_given) lifecycle.think = Millis(1'000);
  GroupSpec replay = defaults;
  replay.scenario = replay.name = "refresh-replay";
  replay.workers = 5;
  replay.iterations = 25;
  replay.duration = Millis(30'000);  // k6's maxDuration
  replay.think = Millis(0);
  replay.start = Millis(2'000);
  return {lifecycle, replay};
}

}  // namespace

std::optional<Millis> parse_duration(const std::string& text) {
  std::string_view view(text);
  long scale = 1;
  if (view.size() > 2 && view.substr(view.size() - 2) == "ms") {
    view.remove_suffix(2);
  } else if (!view.empty() && view.back() == 's') {
    view.remove_suffix(1);
    scale = 1'000;
  } else if (!view.empty() && view.back() == 'm') {
    view.remove_suffix(1);
    scale = 60'000;
  }
  long value = 0;
  if (!parse_long(view, value) || value < 0 || value > 24L * 3'600'000 / scale) return std::nullopt;
  return Millis(value * scale);
}

ParsedOptions parse_options(int argc, char** argv) {
  Options options;
  GroupSpec defaults;
  defaults.scenario = "lifecycle";
  std::vector<std::string> group_specs;
  bool url_given = false;
  bool think_given = false;
  bool profile_original = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return {};
    }
    if (arg == "--quiet") {
      options.quiet = true;
      continue;
    }
    if (arg == "--server-metrics") {
      options.server_metrics = true;
      continue;
    }
    if (i + 1 >= argc) return {std::nullopt, "missing value after " + std::string(arg)};
    const std::string value = argv[++i];
    bool ok = true;
    if (arg == "--url") {
      ok = url_given = parse_url(value, options);
    } else if (arg == "--scenario") {
      defaults.scenario = value;
      ok = scenario_exists(value);
    } else if (arg == "--workers" || arg == "--duration" || arg == "--iterations" ||
               arg == "--think") {
      // The single group's options are the --group keys of the same names.
      ok = apply_group_key(defaults, arg.substr(2), value).empty();
      think_given = think_given || arg == "--think";
    } else if (arg == "--group") {
      group_specs.push_back(value);
    } else if (arg == "--profile") {
      ok = profile_original = value == "original";
    } else if (arg == "--json") {
      options.json_path = value;
    } else if (arg == "--server-pid") {
      long pid = 0;
      ok = parse_long(value, pid) && pid > 0 && pid < (1L << 30);
      options.server_pid = static_cast<int>(pid);
    } else if (arg == "--metrics-token") {
      options.metrics_token = value;
      options.server_metrics = ok = !value.empty();
    } else if (arg == "--rss-every") {
      const auto d = parse_duration(value);
      ok = d.has_value() && d->count() > 0;
      if (ok) options.rss_every = *d;
    } else if (arg == "--timeout") {
      const auto d = parse_duration(value);
      ok = d.has_value() && d->count() > 0;
      if (ok) options.timeout = *d;
    } else {
      return {std::nullopt, "unknown option " + std::string(arg) + " (see --help)"};
    }
    if (!ok) return {std::nullopt, "bad value for " + std::string(arg) + ": " + value};
  }
  if (!url_given) return {std::nullopt, "--url http://127.0.0.1:PORT is required"};
  if (options.rss_every.count() > 0 && options.server_pid == 0) {
    return {std::nullopt, "--rss-every needs --server-pid"};
  }
  if (profile_original) options.groups = original_profile(defaults, think_given);
  for (const auto& spec : group_specs) {
    GroupSpec group;
    if (auto error = parse_group(spec, defaults, group); !error.empty())
      return {std::nullopt, error};
    options.groups.push_back(group);
  }
  if (options.groups.empty()) options.groups.push_back(defaults);
  bool has_main_group = false;
  for (auto& group : options.groups) {
    if (group.name.empty()) group.name = group.scenario;
    has_main_group = has_main_group || !group.probe;
    if (!group.probe && !group.duration && !group.iterations) group.duration = Millis(10'000);
  }
  if (!has_main_group) return {std::nullopt, "every group is a probe: nothing bounds the run"};
  return {options, ""};
}

}  // namespace loadgen
