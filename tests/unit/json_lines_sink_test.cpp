// JsonLinesSink: pino-compatible lines, level filtering, audit events.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "authkit/json_lines_sink.hpp"

using namespace authkit;

namespace {

std::string read_all(std::FILE* file) {
  std::rewind(file);
  std::string text;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  return text;
}

const auto kClock = std::make_shared<ManualClock>(TimePoint(Duration(1795879116999)));

}  // namespace

TEST_CASE("log lines carry pino's base fields in order, then the fields, then msg", "[log]") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  JsonLinesSink sink(file, LogLevel::kInfo, kClock);
  sink.log(LogLevel::kWarn, "rate_limiter_fallback",
           {{"key", std::string("rl:auth:1.2.3.4")}, {"attempt", std::int64_t{3}}});
  sink.log(LogLevel::kDebug, "dropped", {});
  const std::string text = read_all(file);
  std::fclose(file);

  char host[256] = {};
  REQUIRE(gethostname(host, sizeof host - 1) == 0);
  CHECK(text ==
        "{\"level\":40,\"time\":1795879116999,\"pid\":" + std::to_string(getpid()) +
            ",\"hostname\":" + nlohmann::json(std::string(host)).dump() +
            ",\"key\":\"rl:auth:1.2.3.4\",\"attempt\":3,\"msg\":\"rate_limiter_fallback\"}\n");
}

TEST_CASE("audit events are auth_audit lines with event and correlationId first", "[log]") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  JsonLinesSink sink(file, LogLevel::kInfo, kClock);
  sink.record(AuditEvent{"auth.refresh.reuse_detected",
                         "a5c4458d",
                         {{"sessionId", std::string("s-1")}, {"tokenId", std::string("t-1")}}});
  const auto line = nlohmann::ordered_json::parse(read_all(file));
  std::fclose(file);
  std::vector<std::string> keys;
  for (const auto& item : line.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"level", "time", "pid", "hostname", "event",
                                         "correlationId", "sessionId", "tokenId", "msg"});
  CHECK(line["level"] == 30);
  CHECK(line["event"] == "auth.refresh.reuse_detected");
  CHECK(line["msg"] == "auth_audit");
}

TEST_CASE("silent drops everything, and strings are escaped", "[log]") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  {
    JsonLinesSink silent(file, LogLevel::kSilent, kClock);
    silent.log(LogLevel::kFatal, "x", {});
    silent.record(AuditEvent{"auth.login.failed", "", {}});
  }
  CHECK(read_all(file).empty());
  JsonLinesSink sink(file, LogLevel::kTrace, kClock);
  const std::string line = sink.format(LogLevel::kInfo, "m", {{"v", std::string("a\"b\n\x01")}});
  std::fclose(file);
  CHECK(line.find(R"("v":"a\"b\n\u0001")") != std::string::npos);
  CHECK(nlohmann::json::parse(line)["v"] == "a\"b\n\x01");
}
