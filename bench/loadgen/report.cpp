#include "report.hpp"

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <string_view>

#include "latency.hpp"

namespace loadgen {
namespace {

using Json = nlohmann::ordered_json;

double rounded(double value, int decimals = 3) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

double per_second(std::uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

double share(std::uint64_t part, std::uint64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

Json latency_json(const std::vector<std::uint32_t>& samples_us) {
  const auto s = summarise_latency(samples_us);
  return Json{{"count", s.count},      {"min", rounded(s.min)}, {"avg", rounded(s.avg)},
              {"p50", rounded(s.p50)}, {"p90", rounded(s.p90)}, {"p95", rounded(s.p95)},
              {"p99", rounded(s.p99)}, {"max", rounded(s.max)}};
}

// Every answer by kind: "200", "401 REFRESH_TOKEN_REUSED", "503 SERVICE_UNAVAILABLE",
// "transport Read" (no answer).
Json answers_json(const RequestStats& stats) {
  Json answers = Json::object();
  for (const auto& [status, count] : stats.statuses) {
    if (status < 400) answers[std::to_string(status)] = count;
  }
  for (const auto& [label, count] : stats.error_codes) answers[label] = count;
  for (const auto& [kind, count] : stats.transport) answers["transport " + kind] = count;
  return answers;
}

Json requests_json(const RequestStats& stats, double seconds) {
  const auto status_503 = stats.statuses.count(503) ? stats.statuses.at(503) : 0;
  return Json{{"sent", stats.sent},
              {"per_second", rounded(per_second(stats.sent, seconds), 2)},
              {"failed", stats.failed},
              {"failed_rate", rounded(share(stats.failed, stats.sent), 4)},
              {"status_503", status_503},
              {"retry_after_503", stats.retry_after_503},
              {"transport_errors", stats.transport_errors},
              {"skipped", stats.skipped},
              {"answers", answers_json(stats)},
              {"latency_ms", latency_json(stats.latency_us)},
              {"expected_latency_ms", latency_json(stats.expected_latency_us)}};
}

RequestStats all_requests(const Recorder& recorded) {
  RequestStats all;
  for (const auto& [name, stats] : recorded.requests()) all.merge(stats);
  return all;
}

Json checks_json(const Recorder& recorded) {
  std::uint64_t passed = 0;
  std::uint64_t failed = 0;
  Json by_check = Json::object();
  for (const auto& [name, stats] : recorded.checks()) {
    passed += stats.passed;
    failed += stats.failed;
    by_check[name] = Json{{"passed", stats.passed}, {"failed", stats.failed}};
  }
  return Json{{"passed", passed},
              {"failed", failed},
              {"rate", rounded(share(passed, passed + failed), 4)},
              {"by_check", by_check}};
}

Json recorded_json(const Recorder& recorded, double seconds) {
  Json by_request = Json::object();
  for (const auto& [name, stats] : recorded.requests()) {
    by_request[name] = requests_json(stats, seconds);
  }
  return Json{{"iterations", recorded.iterations()},
              {"iterations_per_second", rounded(per_second(recorded.iterations(), seconds), 2)},
              {"requests", requests_json(all_requests(recorded), seconds)},
              {"by_request", by_request},
              {"checks", checks_json(recorded)}};
}

// The thresholds of the original's k6 script, judged on the main groups together as k6 judges
// them on the whole run: http_req_failed rate < 1 %, and the p(95) and p(99) of
// http_req_duration{expected_response:true} under 750 ms and 1,200 ms.
Json thresholds_json(const Json& overall) {
  const double failed_rate = overall["requests"]["failed_rate"].get<double>();
  const auto& expected = overall["requests"]["expected_latency_ms"];
  const double p95 = expected["p95"].get<double>();
  const double p99 = expected["p99"].get<double>();
  const bool answered = expected["count"].get<std::size_t>() > 0;
  Json json{
      {"http_req_failed_rate_below_0.01",
       Json{{"value", failed_rate}, {"passed", failed_rate < 0.01}}},
      {"expected_p95_below_750ms", Json{{"value", p95}, {"passed", answered && p95 < 750}}},
      {"expected_p99_below_1200ms", Json{{"value", p99}, {"passed", answered && p99 < 1200}}}};
  bool all = true;
  for (const auto& [name, threshold] : json.items()) all = all && threshold["passed"].get<bool>();
  json["all_passed"] = all;
  return json;
}

Json optional_ms(const std::optional<Millis>& value) {
  return value ? Json(value->count()) : Json(nullptr);
}

Json group_json(const GroupResult& group) {
  const auto& spec = group.spec;
  Json json{{"name", spec.name},
            {"scenario", spec.scenario},
            {"workers", spec.workers},
            {"duration_ms", optional_ms(spec.duration)},
            {"iterations_per_worker", spec.iterations ? Json(*spec.iterations) : Json(nullptr)},
            {"think_ms", spec.think.count()},
            {"start_ms", spec.start.count()},
            {"spread_ms", spec.spread.count()},
            {"interval_ms", spec.interval.count()},
            {"probe", spec.probe},
            {"keep_alive", spec.keep_alive},
            {"source", spec.source.empty() ? Json(nullptr) : Json(spec.source)},
            {"elapsed_seconds", rounded(group.elapsed_s)}};
  json.update(recorded_json(group.recorded, group.elapsed_s));
  return json;
}

Json cpu_json(const CpuTimes& cpu, double wall_s) {
  return Json{{"user_s", rounded(cpu.user_s)},
              {"system_s", rounded(cpu.system_s)},
              {"total_s", rounded(cpu.total())},
              {"share_of_one_core", rounded(wall_s > 0 ? cpu.total() / wall_s : 0.0, 4)}};
}

// --- Text ---

__attribute__((format(printf, 1, 2))) std::string format(const char* pattern, ...) {
  char buffer[512];
  va_list args;
  va_start(args, pattern);
  std::vsnprintf(buffer, sizeof buffer, pattern, args);
  va_end(args);
  return buffer;
}

const char* verdict(const Json& threshold) {
  return threshold["passed"].get<bool>() ? "passed" : "FAILED";
}

std::string answers_text(const Json& answers) {
  std::string text;
  for (const auto& [label, count] : answers.items()) {
    if (!text.empty()) text += ", ";
    text += label + " x" + std::to_string(count.get<std::uint64_t>());
  }
  return text;
}

std::string request_line(std::string_view name, const Json& requests) {
  const auto& lat = requests["latency_ms"];
  auto line = format("  %-10.10s %8llu %8.1f %9.2f %9.2f %9.2f %9.2f  ", std::string(name).c_str(),
                     requests["sent"].get<unsigned long long>(),
                     requests["per_second"].get<double>(), lat["p50"].get<double>(),
                     lat["p95"].get<double>(), lat["p99"].get<double>(), lat["max"].get<double>());
  line += answers_text(requests["answers"]);
  if (requests["skipped"].get<std::uint64_t>() > 0) {
    line += format(" (%llu not sent)", requests["skipped"].get<unsigned long long>());
  }
  return line + "\n";
}

std::string recorded_text(const Json& json) {
  const auto& checks = json["checks"];
  const auto& all = json["requests"];
  std::string text = format(
      "  %llu iterations (%.2f/s); checks %llu/%llu passed (%.2f %%); http_req_failed %.2f %% "
      "(%llu); 503: %llu\n",
      json["iterations"].get<unsigned long long>(), json["iterations_per_second"].get<double>(),
      checks["passed"].get<unsigned long long>(),
      checks["passed"].get<unsigned long long>() + checks["failed"].get<unsigned long long>(),
      100 * checks["rate"].get<double>(), 100 * all["failed_rate"].get<double>(),
      all["failed"].get<unsigned long long>(), all["status_503"].get<unsigned long long>());
  text += "  request        sent    req/s    p50 ms    p95 ms    p99 ms    max ms  answers\n";
  for (const auto& [name, requests] : json["by_request"].items()) {
    text += request_line(name, requests);
  }
  text += request_line("all", all);
  return text;
}

std::string group_header(const Json& group) {
  std::string bound;
  if (!group["duration_ms"].is_null()) {
    bound = format("%.1f s", group["duration_ms"].get<double>() / 1000);
  }
  if (!group["iterations_per_worker"].is_null()) {
    bound += (bound.empty() ? "" : ", at most ") +
             std::to_string(group["iterations_per_worker"].get<long>()) + " iterations each";
  }
  if (group["probe"].get<bool>()) bound = "while the other groups run";
  auto text = format(
      "[%s] %s, %d workers, %s, think %lld ms%s%s: ran %.2f s\n",
      group["name"].get<std::string>().c_str(), group["scenario"].get<std::string>().c_str(),
      group["workers"].get<int>(), bound.c_str(), group["think_ms"].get<long long>(),
      group["keep_alive"].get<bool>() ? "" : ", a new connection per request",
      group["source"].is_null() ? "" : (", from " + group["source"].get<std::string>()).c_str(),
      group["elapsed_seconds"].get<double>());
  return text;
}

}  // namespace

Json report_json(const Options& options, const RunResult& result) {
  Json report{{"tool", "authkit-loadgen"},
              {"format", 1},
              {"target", "http://" + options.host + ":" + std::to_string(options.port)},
              {"run_id", result.run_id},
              {"wall_seconds", rounded(result.wall_s)}};
  Json groups = Json::array();
  Recorder main_groups;
  for (const auto& group : result.groups) {
    groups.push_back(group_json(group));
    if (!group.spec.probe) main_groups.merge(group.recorded);
  }
  report["groups"] = groups;
  report["overall"] = recorded_json(main_groups, result.wall_s);
  report["thresholds"] = thresholds_json(report["overall"]);

  auto loadgen = cpu_json(result.loadgen_cpu, result.wall_s);
  std::uint64_t sent = 0;
  for (const auto& group : result.groups) sent += all_requests(group.recorded).sent;
  loadgen["cpu_us_per_request"] =
      rounded(sent > 0 ? result.loadgen_cpu.total() * 1e6 / static_cast<double>(sent) : 0.0, 1);
  loadgen["max_rss_kib"] = result.loadgen_max_rss_kib;
  report["loadgen"] = loadgen;
  if (result.server) {
    const auto& server = *result.server;
    auto json = cpu_json(server.cpu, result.wall_s);
    report["server"] = Json{{"pid", server.pid},
                            {"cpu", json},
                            {"rss_before_kib", server.rss_before_kib},
                            {"rss_peak_kib", server.rss_peak_kib},
                            {"rss_after_kib", server.rss_after_kib},
                            {"vm_hwm_kib", server.hwm_kib}};
    if (!server.rss_series.empty()) {
      Json series = Json::array();
      for (const auto& sample : server.rss_series) {
        series.push_back(Json::array({rounded(sample.seconds, 1), sample.rss_kib}));
      }
      report["server"]["rss_series"] = series;  // [seconds since the start, VmRSS KiB]
    }
  }
  if (result.server_hash_cpu_s) {
    const double hash_s = *result.server_hash_cpu_s;
    Json hashing{{"cpu_s", rounded(hash_s)}};
    if (result.server && result.server->cpu.total() > 0) {
      hashing["share_of_server_cpu"] = rounded(hash_s / result.server->cpu.total(), 4);
    }
    report["password_hashing"] = hashing;
  }
  return report;
}

std::string report_text(const Json& report) {
  std::string text = format(
      "authkit-loadgen -> %s (run %s), %.2f s\n", report["target"].get<std::string>().c_str(),
      report["run_id"].get<std::string>().c_str(), report["wall_seconds"].get<double>());
  for (const auto& group : report["groups"]) {
    text += group_header(group) + recorded_text(group);
  }
  if (report["groups"].size() > 1)
    text += "[overall, probes excluded]\n" + recorded_text(report["overall"]);
  const auto& thresholds = report["thresholds"];
  text += format(
      "the original's thresholds: http_req_failed %.2f %% < 1 %% %s; expected p(95) %.1f ms < 750 "
      "%s; p(99) %.1f ms < 1200 %s\n",
      100 * thresholds["http_req_failed_rate_below_0.01"]["value"].get<double>(),
      verdict(thresholds["http_req_failed_rate_below_0.01"]),
      thresholds["expected_p95_below_750ms"]["value"].get<double>(),
      verdict(thresholds["expected_p95_below_750ms"]),
      thresholds["expected_p99_below_1200ms"]["value"].get<double>(),
      verdict(thresholds["expected_p99_below_1200ms"]));
  const auto& loadgen = report["loadgen"];
  text += format(
      "load generator CPU: %.2f s user + %.2f s system = %.1f %% of one core (%.1f us per "
      "request); max RSS %.1f MiB\n",
      loadgen["user_s"].get<double>(), loadgen["system_s"].get<double>(),
      100 * loadgen["share_of_one_core"].get<double>(), loadgen["cpu_us_per_request"].get<double>(),
      loadgen["max_rss_kib"].get<double>() / 1024);
  if (report.contains("server")) {
    const auto& server = report["server"];
    text += format(
        "server (pid %d) CPU: %.2f s user + %.2f s system = %.1f %% of one core; RSS %.1f MiB "
        "before, %.1f MiB peak during the run, VmHWM %.1f MiB\n",
        server["pid"].get<int>(), server["cpu"]["user_s"].get<double>(),
        server["cpu"]["system_s"].get<double>(),
        100 * server["cpu"]["share_of_one_core"].get<double>(),
        server["rss_before_kib"].get<double>() / 1024, server["rss_peak_kib"].get<double>() / 1024,
        server["vm_hwm_kib"].get<double>() / 1024);
  }
  if (report.contains("password_hashing")) {
    const auto& hashing = report["password_hashing"];
    text += format("server CPU in password hashing: %.2f s", hashing["cpu_s"].get<double>());
    if (hashing.contains("share_of_server_cpu")) {
      text +=
          format(" = %.1f %% of its CPU time", 100 * hashing["share_of_server_cpu"].get<double>());
    }
    text += "\n";
  }
  return text;
}

}  // namespace loadgen
