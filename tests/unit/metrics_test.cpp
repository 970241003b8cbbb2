// The metrics registry and its Prometheus text exposition.
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "authkit/metrics.hpp"

using authkit::MetricsRegistry;

TEST_CASE("the exposition follows the original's layout", "[metrics]") {
  MetricsRegistry registry;
  auto& refresh = registry.counter("auth_api_refresh_attempts_total",
                                   "Total refresh attempts by outcome.", {"outcome"});
  auto& replay = registry.counter("auth_api_refresh_replay_detections_total",
                                  "Total refresh replay detections that compromised a session.");
  registry.counter("auth_api_readiness_failures_total", "Total readiness failures by dependency.",
                   {"dependency"});
  refresh.labels({"success"}).inc();
  refresh.labels({"replay_detected"}).inc(4);
  replay.get().inc(4);

  CHECK(registry.render() ==
        "# HELP auth_api_refresh_attempts_total Total refresh attempts by outcome.\n"
        "# TYPE auth_api_refresh_attempts_total counter\n"
        "auth_api_refresh_attempts_total{outcome=\"success\"} 1\n"
        "auth_api_refresh_attempts_total{outcome=\"replay_detected\"} 4\n"
        "\n"
        "# HELP auth_api_refresh_replay_detections_total Total refresh replay detections that "
        "compromised a session.\n"
        "# TYPE auth_api_refresh_replay_detections_total counter\n"
        "auth_api_refresh_replay_detections_total 4\n"
        "\n"
        "# HELP auth_api_readiness_failures_total Total readiness failures by dependency.\n"
        "# TYPE auth_api_readiness_failures_total counter\n");
}

TEST_CASE("an unlabelled counter shows 0 before any observation", "[metrics]") {
  MetricsRegistry registry;
  registry.counter("x_total", "X.");
  CHECK(registry.render() == "# HELP x_total X.\n# TYPE x_total counter\nx_total 0\n");
}

TEST_CASE("registering a name twice returns the same family", "[metrics]") {
  MetricsRegistry registry;
  auto& a = registry.counter("c_total", "C.", {"k"});
  auto& b = registry.counter("c_total", "C.", {"k"});
  CHECK(&a == &b);
  a.labels({"v"}).inc();
  CHECK(b.labels({"v"}).value() == 1);
}

TEST_CASE("label values and help text are escaped", "[metrics]") {
  MetricsRegistry registry;
  registry.counter("e_total", "line\\one\nline two", {"v"}).labels({"a\"b\\c\nd"}).inc();
  CHECK(registry.render() ==
        "# HELP e_total line\\\\one\\nline two\n# TYPE e_total counter\n"
        "e_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST_CASE("gauges and histograms render their samples", "[metrics]") {
  MetricsRegistry registry;
  registry.gauge("g", "G.").get().set(2.5);
  auto& h = registry.histogram("d_seconds", "D.", {"route"}, {0.1, 0.5, 1});
  h.labels({"/me"}).observe(0.05);
  h.labels({"/me"}).observe(0.5);
  h.labels({"/me"}).observe(3);
  CHECK(registry.render() ==
        "# HELP g G.\n# TYPE g gauge\ng 2.5\n\n"
        "# HELP d_seconds D.\n# TYPE d_seconds histogram\n"
        "d_seconds_bucket{route=\"/me\",le=\"0.1\"} 1\n"
        "d_seconds_bucket{route=\"/me\",le=\"0.5\"} 2\n"
        "d_seconds_bucket{route=\"/me\",le=\"1\"} 2\n"
        "d_seconds_bucket{route=\"/me\",le=\"+Inf\"} 3\n"
        "d_seconds_sum{route=\"/me\"} 3.55\n"
        "d_seconds_count{route=\"/me\"} 3\n");
}

TEST_CASE("counters are exact under concurrent increments", "[metrics]") {
  MetricsRegistry registry;
  auto& family = registry.counter("n_total", "N.", {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&family, t] {
      for (int i = 0; i < 10000; ++i) family.labels({t % 2 == 0 ? "even" : "odd"}).inc();
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(family.labels({"even"}).value() == 40000);
  CHECK(family.labels({"odd"}).value() == 40000);
}
