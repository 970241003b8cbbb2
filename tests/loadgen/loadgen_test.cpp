// authkit-loadgen: options, percentiles and check counting, then every scenario against a real
// authkit-server process (SQLite, a cheap Argon2id so that the suite stays quick). Bounded by
// iteration counts; nothing here depends on timing.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "connection.hpp"
#include "latency.hpp"
#include "metrics_text.hpp"
#include "options.hpp"
#include "recorder.hpp"
#include "report.hpp"
#include "runner.hpp"

namespace {

using loadgen::Millis;

loadgen::ParsedOptions parse(std::vector<std::string> args) {
  args.insert(args.begin(), "authkit-loadgen");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  return loadgen::parse_options(static_cast<int>(argv.size()), argv.data());
}

int free_port() {
  const int sock = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t length = sizeof addr;
  getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &length);
  close(sock);
  return ntohs(addr.sin_port);
}

constexpr const char* kMetricsToken = "loadgen-test-metrics-token";

// The cheapest Argon2id the server accepts: a hash costs microseconds.
constexpr const char* kCheapArgon2Memory = "8192";

// authkit-server on a free loopback port with a SQLite file of its own; stopped on destruction.
class ServerProcess {
 public:
  explicit ServerProcess(const char* argon2_memlimit = kCheapArgon2Memory) : port_(free_port()) {
    dir_ = std::filesystem::temp_directory_path() /
           ("authkit-loadgen-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    std::vector<std::string> env = {
        "PATH=/usr/bin:/bin",
        "PORT=" + std::to_string(port_),
        "DATABASE_URL=sqlite://" + (dir_ / "test.db").string(),
        "LOG_LEVEL=warn",
        "ACCESS_TOKEN_SECRET=loadgen-test-access-secret-loadgen-test-access-secret",
        "REFRESH_TOKEN_SECRET=loadgen-test-refresh-secret-loadgen-test-refresh-secret",
        "RATE_LIMIT_MAX_REQUESTS=1000000",
        "ARGON2_OPSLIMIT=1",
        std::string("ARGON2_MEMLIMIT=") + argon2_memlimit,
        "METRICS_ENABLED=true",
        std::string("METRICS_AUTH_TOKEN=") + kMetricsToken,
    };
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      std::vector<char*> envp;
      for (auto& item : env) envp.push_back(item.data());
      envp.push_back(nullptr);
      char binary[] = AUTHKIT_SERVER_BIN;
      char* argv[] = {binary, nullptr};
      if (freopen("/dev/null", "w", stdout) == nullptr) _exit(126);
      execve(binary, argv, envp.data());
      _exit(127);
    }
    // Up to 10 s for /health, in 200 attempts.
    for (int attempt = 0; attempt < 200 && !up(); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(up());
  }
  ~ServerProcess() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    std::filesystem::remove_all(dir_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  bool up() const {
    loadgen::Connection probe({"127.0.0.1", port_, Millis(1000), false, ""});
    return probe.get(nullptr, "", "/health").status == 200;
  }

  int port_;
  pid_t pid_ = -1;
  std::filesystem::path dir_;
};

loadgen::RunResult run_group(int port, const std::string& spec,
                             std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "--url", "http://127.0.0.1:" + std::to_string(port), "--group", spec, "--timeout", "10s"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto parsed = parse(args);
  REQUIRE(parsed.options);
  auto outcome = loadgen::run(*parsed.options);
  INFO(outcome.error);
  REQUIRE(outcome.result);
  return std::move(*outcome.result);
}

nlohmann::ordered_json report_of(int port, const loadgen::RunResult& result) {
  auto parsed = parse({"--url", "http://127.0.0.1:" + std::to_string(port)});
  REQUIRE(parsed.options);
  return loadgen::report_json(*parsed.options, result);
}

const loadgen::RequestStats& request(const loadgen::Recorder& recorded, const std::string& name) {
  for (const auto& [key, stats] : recorded.requests()) {
    if (key == name) return stats;
  }
  FAIL("no request named " << name);
  std::abort();
}

std::uint64_t checks(const loadgen::Recorder& recorded, bool passed) {
  std::uint64_t total = 0;
  for (const auto& [name, stats] : recorded.checks()) total += passed ? stats.passed : stats.failed;
  return total;
}

}  // namespace

TEST_CASE("durations are s, ms, m or bare milliseconds") {
  CHECK(loadgen::parse_duration("10s") == Millis(10'000));
  CHECK(loadgen::parse_duration("250ms") == Millis(250));
  CHECK(loadgen::parse_duration("2m") == Millis(120'000));
  CHECK(loadgen::parse_duration("15") == Millis(15));
  CHECK(loadgen::parse_duration("0") == Millis(0));
  for (const char* bad : {"", "ms", "s", "-1s", "1h", "1.5s", "10 s", "99999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(loadgen::parse_duration(bad));
  }
}

TEST_CASE("percentiles interpolate between the two nearest samples") {
  const auto summary = loadgen::summarise_latency({4000, 1000, 3000, 2000});
  CHECK(summary.count == 4);
  CHECK(summary.min == Approx(1.0));
  CHECK(summary.max == Approx(4.0));
  CHECK(summary.avg == Approx(2.5));
  CHECK(summary.p50 == Approx(2.5));   // rank 1.5
  CHECK(summary.p90 == Approx(3.7));   // rank 2.7
  CHECK(summary.p99 == Approx(3.97));  // rank 2.97

  const auto single = loadgen::summarise_latency({7});
  CHECK(single.p50 == Approx(0.007));
  CHECK(single.p99 == Approx(0.007));
  CHECK(loadgen::summarise_latency({}).count == 0);
}

TEST_CASE("a family's samples are summed over its label sets, and no other family's") {
  const std::string text =
      "# HELP auth_api_password_hash_cpu_seconds_total Total CPU seconds.\n"
      "# TYPE auth_api_password_hash_cpu_seconds_total counter\n"
      "auth_api_password_hash_cpu_seconds_total{operation=\"hash\"} 1.25\n"
      "auth_api_password_hash_cpu_seconds_total{operation=\"verify\"} 0.5\n"
      "auth_api_password_hash_cpu_seconds_total_other 100\n"
      "\n"
      "# TYPE auth_api_password_hash_queue_depth gauge\n"
      "auth_api_password_hash_queue_depth 7\n"
      "auth_api_password_hash_cpu_seconds_total{operation=\"broken\"} x\n";
  CHECK(loadgen::sum_samples(text, loadgen::kHashCpuFamily) == Approx(1.75));
  CHECK(loadgen::sum_samples(text, "auth_api_password_hash_queue_depth") == Approx(7));
  // Declared without samples: nothing counted yet. Not declared: the server lacks it.
  CHECK(loadgen::sum_samples("# TYPE x_total counter\n", "x_total") == Approx(0));
  CHECK_FALSE(loadgen::sum_samples(text, "auth_api_login_attempts_total"));
  CHECK_FALSE(loadgen::sum_samples("", loadgen::kHashCpuFamily));
}

TEST_CASE("options: one group by default, groups, probes and the original's profile") {
  auto parsed = parse({"--url", "http://127.0.0.1:8080"});
  REQUIRE(parsed.options);
  REQUIRE(parsed.options->groups.size() == 1);
  const auto& group = parsed.options->groups[0];
  CHECK(parsed.options->port == 8080);
  CHECK(group.scenario == "lifecycle");
  CHECK(group.workers == 5);
  CHECK(group.duration == Millis(10'000));
  CHECK_FALSE(group.iterations);
  CHECK(group.keep_alive);

  parsed = parse({"--url", "http://127.0.0.1:8080/", "--scenario", "me", "--iterations", "3",
                  "--workers", "8", "--think", "1s"});
  REQUIRE(parsed.options);
  CHECK(parsed.options->groups[0].scenario == "me");
  CHECK(parsed.options->groups[0].iterations == 3);
  CHECK_FALSE(parsed.options->groups[0].duration);  // an iteration count alone bounds it
  CHECK(parsed.options->groups[0].think == Millis(1'000));

  parsed = parse({"--url", "http://127.0.0.1:8080", "--workers", "7", "--group",
                  "login,name=flood,workers=200,iterations=1,keep-alive=0,spread=1s", "--group",
                  "health,probe=1,interval=50ms", "--group", "login,probe=1,source=127.0.0.2"});
  REQUIRE(parsed.options);
  const auto& groups = parsed.options->groups;
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].name == "flood");
  CHECK(groups[0].workers == 200);
  CHECK_FALSE(groups[0].keep_alive);
  CHECK(groups[0].spread == Millis(1'000));
  CHECK(groups[1].name == "health");
  CHECK(groups[1].probe);
  CHECK(groups[1].workers == 1);  // a probe is one client unless told
  CHECK(groups[1].interval == Millis(50));
  CHECK(groups[2].source == "127.0.0.2");

  parsed = parse({"--url", "http://127.0.0.1:8080", "--profile", "original"});
  REQUIRE(parsed.options);
  REQUIRE(parsed.options->groups.size() == 2);
  CHECK(parsed.options->groups[0].scenario == "session-lifecycle");
  CHECK(parsed.options->groups[0].workers == 5);
  CHECK(parsed.options->groups[0].duration == Millis(20'000));
  CHECK(parsed.options->groups[0].think == Millis(1'000));
  CHECK(parsed.options->groups[1].scenario == "refresh-replay");
  CHECK(parsed.options->groups[1].iterations == 25);
  CHECK(parsed.options->groups[1].start == Millis(2'000));

  parsed = parse({"--url", "http://127.0.0.1:8080", "--profile", "original", "--think", "0"});
  REQUIRE(parsed.options);
  CHECK(parsed.options->groups[0].think == Millis(0));

  parsed = parse({"--url", "http://127.0.0.1:8080", "--server-pid", "42", "--rss-every", "5s",
                  "--metrics-token", "t0k"});
  REQUIRE(parsed.options);
  CHECK(parsed.options->server_pid == 42);
  CHECK(parsed.options->rss_every == Millis(5'000));
  CHECK(parsed.options->server_metrics);  // a token implies reading /metrics
  CHECK(parsed.options->metrics_token == "t0k");
  parsed = parse({"--url", "http://127.0.0.1:8080", "--server-metrics"});
  REQUIRE(parsed.options);
  CHECK(parsed.options->server_metrics);
  CHECK(parsed.options->metrics_token.empty());
}

TEST_CASE("options: bad input is refused with a message") {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"--url", "https://127.0.0.1:8080"},
      {"--url", "http://127.0.0.1"},
      {"--url", "http://127.0.0.1:0"},
      {"--url", "http://127.0.0.1:8080", "--scenario", "nope"},
      {"--url", "http://127.0.0.1:8080", "--workers", "0"},
      {"--url", "http://127.0.0.1:8080", "--duration", "0"},
      {"--url", "http://127.0.0.1:8080", "--iterations", "-2"},
      {"--url", "http://127.0.0.1:8080", "--workers"},
      {"--url", "http://127.0.0.1:8080", "--bogus", "1"},
      {"--url", "http://127.0.0.1:8080", "--profile", "fast"},
      {"--url", "http://127.0.0.1:8080", "--group", "health,colour=blue"},
      {"--url", "http://127.0.0.1:8080", "--group", "health,workers"},
      {"--url", "http://127.0.0.1:8080", "--group", "login,source=10.0.0.1"},
      {"--url", "http://127.0.0.1:8080", "--group", "health,probe=1"},  // nothing bounds it
      {"--url", "http://127.0.0.1:8080", "--rss-every", "5s"},          // whose RSS?
      {"--url", "http://127.0.0.1:8080", "--server-pid", "1", "--rss-every", "0"},
      {"--url", "http://127.0.0.1:8080", "--metrics-token", ""},
  };
  for (const auto& args : cases) {
    const auto parsed = parse(args);
    INFO((args.empty() ? std::string("(none)") : args.back()));
    CHECK_FALSE(parsed.options);
    CHECK_FALSE(parsed.error.empty());
  }
}

TEST_CASE("the recorder merges workers in the order of first use") {
  loadgen::Recorder a;
  a.request("register").sent = 2;
  a.request("register").statuses[201] = 2;
  a.request("register").latency_us = {10, 20};
  a.check("register status is 201", true);
  a.check("register status is 201", false);
  a.iteration_done();
  loadgen::Recorder b;
  b.request("login").sent = 1;
  b.request("register").sent = 1;
  b.request("register").statuses[503] = 1;
  b.request("register").latency_us = {30};
  b.check("register status is 201", false);
  b.iteration_done();

  loadgen::Recorder all;
  all.merge(a);
  all.merge(b);
  REQUIRE(all.requests().size() == 2);
  CHECK(all.requests()[0].first == "register");
  CHECK(all.requests()[1].first == "login");
  const auto& reg = all.requests()[0].second;
  CHECK(reg.sent == 3);
  CHECK(reg.statuses.at(201) == 2);
  CHECK(reg.statuses.at(503) == 1);
  CHECK(reg.latency_us.size() == 3);
  CHECK(all.checks()[0].second.passed == 1);
  CHECK(all.checks()[0].second.failed == 2);
  CHECK(all.iterations() == 2);
}

TEST_CASE("with no server, dependent steps are not sent and every check fails") {
  const int port = free_port();  // nothing listens there
  const auto result = run_group(port, "lifecycle,workers=2,iterations=3");
  const auto& recorded = result.groups[0].recorded;
  CHECK(recorded.iterations() == 6);
  CHECK(checks(recorded, true) == 0);
  CHECK(checks(recorded, false) == 6 * 10);  // as k6 would count them: 10 an iteration
  CHECK(request(recorded, "register").transport_errors == 6);
  CHECK(request(recorded, "register").failed == 6);
  CHECK(request(recorded, "login").transport_errors == 6);
  for (const char* name : {"me", "refresh", "replay"}) {
    INFO(name);
    CHECK(request(recorded, name).sent == 0);
    CHECK(request(recorded, name).skipped == 6);
  }
  CHECK(request(recorded, "register").expected_latency_us.empty());  // no answer is expected
  const auto report = report_of(port, result);
  CHECK_FALSE(report["thresholds"]["http_req_failed_rate_below_0.01"]["passed"].get<bool>());
  CHECK_FALSE(report["thresholds"]["expected_p95_below_750ms"]["passed"].get<bool>());
  CHECK_FALSE(report["thresholds"]["all_passed"].get<bool>());
}

TEST_CASE("every scenario passes against authkit-server, one check per expectation") {
  ServerProcess server;

  // The original's two scenarios: six checks an iteration each.
  auto result = run_group(server.port(), "session-lifecycle,workers=2,iterations=3");
  auto* recorded = &result.groups[0].recorded;
  CHECK(checks(*recorded, false) == 0);
  CHECK(checks(*recorded, true) == 6 * 6);
  CHECK(request(*recorded, "register").statuses.at(201) == 6);
  CHECK(request(*recorded, "login").statuses.at(200) == 6);
  CHECK(request(*recorded, "me").statuses.at(200) == 6);

  result = run_group(server.port(), "refresh-replay,workers=2,iterations=3");
  recorded = &result.groups[0].recorded;
  CHECK(checks(*recorded, false) == 0);
  CHECK(checks(*recorded, true) == 6 * 6);
  const auto& replay = request(*recorded, "replay");
  CHECK(replay.statuses.at(401) == 6);
  CHECK(replay.error_codes.at("401 REFRESH_TOKEN_REUSED") == 6);
  CHECK(replay.failed == 0);  // a 401 is expected, as the original's script declares
  CHECK(replay.expected_latency_us.size() == 6);  // so its latency counts in the thresholds
  const auto report = report_of(server.port(), result);
  CHECK(report["thresholds"]["http_req_failed_rate_below_0.01"]["passed"].get<bool>());
  CHECK(report["thresholds"]["expected_p99_below_1200ms"]["value"].get<double>() > 0);
  CHECK(report["overall"]["requests"]["expected_latency_ms"]["count"].get<std::size_t>() == 6 * 4);

  result = run_group(server.port(), "lifecycle,workers=2,iterations=3");
  recorded = &result.groups[0].recorded;
  CHECK(checks(*recorded, false) == 0);
  CHECK(checks(*recorded, true) == 6 * 10);
  for (const char* name : {"register", "login", "me", "refresh", "replay"}) {
    INFO(name);
    CHECK(request(*recorded, name).sent == 6);
    CHECK(request(*recorded, name).latency_us.size() == 6);
  }

  result = run_group(server.port(), "me,workers=2,iterations=5");
  recorded = &result.groups[0].recorded;
  CHECK(checks(*recorded, false) == 0);
  CHECK(checks(*recorded, true) == 10 * 2);

  // A chain: each refresh uses the token the previous one returned (a reuse would be a 401).
  result = run_group(server.port(), "refresh-chain,workers=2,iterations=5");
  recorded = &result.groups[0].recorded;
  CHECK(checks(*recorded, false) == 0);
  CHECK(request(*recorded, "refresh").statuses.at(200) == 10);

  result = run_group(server.port(), "login,workers=2,iterations=2,keep-alive=0,source=127.0.0.2");
  recorded = &result.groups[0].recorded;
  CHECK(checks(*recorded, false) == 0);
  CHECK(checks(*recorded, true) == 4 * 3);
}

TEST_CASE("probes run beside the main group and stop with it") {
  ServerProcess server;
  auto parsed =
      parse({"--url", "http://127.0.0.1:" + std::to_string(server.port()), "--group",
             "login,name=main,workers=2,iterations=3", "--group", "health,name=probe,probe=1"});
  REQUIRE(parsed.options);
  const auto outcome = loadgen::run(*parsed.options);
  REQUIRE(outcome.result);
  const auto& groups = outcome.result->groups;
  CHECK(groups[0].recorded.iterations() == 6);
  CHECK(groups[1].recorded.iterations() >= 1);  // it ran, and it ended: the run returned
  CHECK(checks(groups[1].recorded, false) == 0);
}

TEST_CASE("the server's hashing CPU time comes from its /metrics, its RSS as a series") {
  // 16 MiB per hash: tens of milliseconds each, so the server's CPU time in /proc (counted in
  // 10 ms ticks) is above zero and the hashing share of it is defined.
  ServerProcess server("16777216");
  const auto pid = std::to_string(server.pid());
  const std::vector<std::string> watch = {"--server-pid", pid,           "--metrics-token",
                                          kMetricsToken,  "--rss-every", "20ms"};
  // Logins hash (verify) passwords: the counter moves, and takes a share of the server's CPU.
  auto result = run_group(server.port(), "login,workers=2,iterations=3", watch);
  REQUIRE(result.server_hash_cpu_s);
  CHECK(*result.server_hash_cpu_s > 0);
  REQUIRE(result.server);
  CHECK(*result.server_hash_cpu_s <= result.server->cpu.total() + 0.02);  // a tick of /proc
  // The series: a sample at the start and one at the end at least, each a real RSS.
  REQUIRE(result.server->rss_series.size() >= 2);
  for (const auto& sample : result.server->rss_series) CHECK(sample.rss_kib > 0);
  CHECK(result.server->rss_series.back().seconds >= result.server->rss_series.front().seconds);
  auto report = report_of(server.port(), result);
  CHECK(report["password_hashing"]["cpu_s"].get<double>() > 0);
  CHECK(report["password_hashing"].contains("share_of_server_cpu"));
  CHECK(report["server"]["rss_series"].size() == result.server->rss_series.size());

  // GET /v1/auth/me hashes nothing (its session was opened before the run).
  result = run_group(server.port(), "me,workers=2,iterations=5", watch);
  REQUIRE(result.server_hash_cpu_s);
  CHECK(*result.server_hash_cpu_s == 0);

  // A wrong token is an error, not a run without figures.
  auto parsed = parse({"--url", "http://127.0.0.1:" + std::to_string(server.port()), "--group",
                       "health,iterations=1", "--metrics-token", "wrong"});
  REQUIRE(parsed.options);
  const auto outcome = loadgen::run(*parsed.options);
  CHECK_FALSE(outcome.result);
  CHECK(outcome.error.find("/metrics") != std::string::npos);
}
