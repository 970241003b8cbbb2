// Core: the JSON shapes of docs/api.md#resources, docs/api.md#error-envelope and
// docs/api.md#operational-endpoints byte for byte, bearer extraction, the metrics text.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "authkit/bearer.hpp"
#include "authkit/json.hpp"
#include "core_fixture.hpp"

using namespace authkit;

namespace {

TimePoint iso(std::int64_t ms) { return TimePoint(Duration(ms)); }

// The values of the example login of the original: 2026-11-28T15:18:23.358Z and friends.
constexpr std::int64_t kCreated = 1'795'879'103'358;

User example_user() {
  User u;
  u.id = 1;
  u.name = "Gabri";
  u.email = "gabri@test.dev";
  u.password_hash = "$argon2id$never-shown";
  u.created_at = iso(kCreated);
  return u;
}

SessionInfo example_session() {
  Session s;
  s.id = "853581af-4e04-4814-860f-0cfcc7171f5f";
  s.user_id = 1;
  s.status = SessionStatus::kActive;
  s.created_at = iso(kCreated + 136);    // .494
  s.last_seen_at = iso(kCreated + 124);  // .482
  s.created_from = {"first-agent/0.1", "10.0.0.1"};
  s.last_seen_from = {"spec-agent/1.0", "::ffff:127.0.0.1"};
  return SessionInfo{s, true};
}

}  // namespace

// docs/api.md#resources
TEST_CASE("json: resources are byte-exact as the original wrote them", "[core]") {
  CHECK(json::iso_timestamp(iso(kCreated)) == "2026-11-28T15:18:23.358Z");
  CHECK(json::iso_timestamp(iso(0)) == "1970-01-01T00:00:00.000Z");
  CHECK(json::iso_timestamp(iso(951'782'400'007)) == "2000-02-29T00:00:00.007Z");
  CHECK(json::iso_timestamp(iso(-1)) == "1969-12-31T23:59:59.999Z");

  AuthResult login{"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzaWQiOi.a",
                   "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzaWQiOi.r", example_user(),
                   example_session()};
  CHECK(
      json::auth_response(login) ==
      R"({"accessToken":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzaWQiOi.a",)"
      R"("refreshToken":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzaWQiOi.r",)"
      R"("user":{"id":1,"name":"Gabri","email":"gabri@test.dev","createdAt":"2026-11-28T15:18:23.358Z"},)"
      R"("session":{"sessionId":"853581af-4e04-4814-860f-0cfcc7171f5f","status":"ACTIVE",)"
      R"("createdAt":"2026-11-28T15:18:23.494Z","lastSeenAt":"2026-11-28T15:18:23.482Z",)"
      R"("userAgent":"spec-agent/1.0","ipAddress":"::ffff:127.0.0.1","current":true}})");
  CHECK(
      json::register_response(example_user()) ==
      R"({"user":{"id":1,"name":"Gabri","email":"gabri@test.dev","createdAt":"2026-11-28T15:18:23.358Z"}})");
  CHECK(
      json::me_response(MeResult{example_user(), example_session()}) ==
      R"({"user":{"id":1,"name":"Gabri","email":"gabri@test.dev","createdAt":"2026-11-28T15:18:23.358Z"},)"
      R"("session":{"sessionId":"853581af-4e04-4814-860f-0cfcc7171f5f","status":"ACTIVE",)"
      R"("createdAt":"2026-11-28T15:18:23.494Z","lastSeenAt":"2026-11-28T15:18:23.482Z",)"
      R"("userAgent":"spec-agent/1.0","ipAddress":"::ffff:127.0.0.1","current":true}})");

  SessionInfo bare = example_session();
  bare.current = false;
  bare.session.status = SessionStatus::kCompromised;
  bare.session.last_seen_at.reset();
  bare.session.last_seen_from = {std::nullopt, std::nullopt};
  CHECK(json::sessions_response({example_session(), bare}) ==
        R"({"sessions":[{"sessionId":"853581af-4e04-4814-860f-0cfcc7171f5f","status":"ACTIVE",)"
        R"("createdAt":"2026-11-28T15:18:23.494Z","lastSeenAt":"2026-11-28T15:18:23.482Z",)"
        R"("userAgent":"spec-agent/1.0","ipAddress":"::ffff:127.0.0.1","current":true},)"
        R"({"sessionId":"853581af-4e04-4814-860f-0cfcc7171f5f","status":"COMPROMISED",)"
        R"("createdAt":"2026-11-28T15:18:23.494Z","lastSeenAt":null,"userAgent":null,)"
        R"("ipAddress":null,"current":false}]})");
  CHECK(json::sessions_response({}) == R"({"sessions":[]})");
}

TEST_CASE("json: strings are escaped as JSON.stringify escapes them", "[core]") {
  User u = example_user();
  u.name = "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f é 😀";
  CHECK(json::user(u) ==
        "{\"id\":1,\"name\":\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f é 😀\","
        "\"email\":\"gabri@test.dev\",\"createdAt\":\"2026-11-28T15:18:23.358Z\"}");
  u.name = "bad\xff";
  CHECK(json::user(u).find("bad\xEF\xBF\xBD") != std::string::npos);  // U+FFFD
}

// docs/api.md#error-envelope
TEST_CASE("json: the error envelope", "[core]") {
  CHECK(
      json::error_envelope(Error(ErrorCode::kTooManyRequests, "diagnostic stays out"), "c-1") ==
      R"({"error":{"code":"TOO_MANY_REQUESTS","message":"too many requests","correlationId":"c-1"}})");
  Error invalid(ErrorCode::kInvalidPayload);
  invalid.details = {{"email", "email must be a valid email"}, {"body", "x"}};
  CHECK(
      json::error_envelope(invalid, "c-2") ==
      R"({"error":{"code":"INVALID_PAYLOAD","message":"invalid payload","details":)"
      R"([{"path":"email","message":"email must be a valid email"},{"path":"body","message":"x"}],)"
      R"("correlationId":"c-2"}})");
  CHECK(
      json::error_envelope(Error(ErrorCode::kSessionNotFound).with_status(404), "") ==
      R"({"error":{"code":"SESSION_NOT_FOUND","message":"session not found","correlationId":""}})");
}

// docs/api.md#health, docs/api.md#ready
TEST_CASE("json: health and readiness bodies", "[core]") {
  CHECK(json::health(HealthReport{iso(kCreated)}) ==
        R"({"status":"ok","service":"auth-api","timestamp":"2026-11-28T15:18:23.358Z"})");
  ReadinessReport ready{true, DependencyState::kUp, DependencyState::kDisabled, iso(kCreated)};
  CHECK(
      json::readiness(ready) ==
      R"({"status":"ready","service":"auth-api","dependencies":{"database":"up","redis":"disabled"},)"
      R"("timestamp":"2026-11-28T15:18:23.358Z"})");
  ReadinessReport down{false, DependencyState::kDown, DependencyState::kUnknown, iso(kCreated)};
  CHECK(
      json::readiness(down) ==
      R"({"status":"not_ready","service":"auth-api","dependencies":{"database":"down","redis":"unknown"},)"
      R"("timestamp":"2026-11-28T15:18:23.358Z"})");
}

// docs/api.md#bearer-extraction
TEST_CASE("bearer: the extraction rules of the auth middleware", "[core]") {
  // The scheme in any case; spaces around the token are dropped, spaces inside it kept.
  const std::pair<std::string_view, std::string_view> found[] = {
      {"Bearer abc", "abc"}, {"bearer abc", "abc"},
      {"BeArEr abc", "abc"}, {"   bearer     TOKEN   ", "TOKEN"},
      {"Bearer a b", "a b"},
  };
  for (const auto& [header, token] : found) {
    CAPTURE(header);
    CHECK(extract_bearer_token(header) == token);
  }
  // Only 0x20 separates (no NBSP, no tab); no empty token, no other scheme.
  for (const std::string_view header :
       {"Bearer\u00a0x", "Bearer\tabc", "Bearer", "Bearer   ", "Basic abc", "Bearerx abc", ""}) {
    CAPTURE(header);
    CHECK(extract_bearer_token(header) == std::nullopt);
  }
}

namespace {

constexpr const char* kInitialMetrics =
    "# HELP auth_api_login_attempts_total Total login attempts by outcome.\n"
    "# TYPE auth_api_login_attempts_total counter\n"
    "\n"
    "# HELP auth_api_refresh_attempts_total Total refresh attempts by outcome.\n"
    "# TYPE auth_api_refresh_attempts_total counter\n"
    "\n"
    "# HELP auth_api_refresh_replay_detections_total Total refresh replay detections that "
    "compromised a session.\n"
    "# TYPE auth_api_refresh_replay_detections_total counter\n"
    "auth_api_refresh_replay_detections_total 0\n"
    "\n"
    "# HELP auth_api_rate_limit_hits_total Total rate-limit hits by bucket and backend mode.\n"
    "# TYPE auth_api_rate_limit_hits_total counter\n"
    "\n"
    "# HELP auth_api_readiness_failures_total Total readiness failures by dependency.\n"
    "# TYPE auth_api_readiness_failures_total counter\n"
    "\n"
    "# HELP auth_api_rate_limit_fallback_total Total rate-limit hits counted by the in-memory "
    "fallback because Redis failed.\n"
    "# TYPE auth_api_rate_limit_fallback_total counter\n"
    "auth_api_rate_limit_fallback_total 0\n"
    "\n"
    "# HELP auth_api_refresh_reuse_grace_total Total refreshes answered with the existing child "
    "token within the reuse grace.\n"
    "# TYPE auth_api_refresh_reuse_grace_total counter\n"
    "auth_api_refresh_reuse_grace_total 0\n"
    "\n"
    "# HELP auth_api_password_hash_rejections_total Total password hashing requests shed with "
    "503: the hashing queue was full, the client's share of it was taken, or no slot came within "
    "the waiting limit.\n"
    "# TYPE auth_api_password_hash_rejections_total counter\n"
    "auth_api_password_hash_rejections_total 0\n"
    "\n"
    "# HELP auth_api_password_hash_queue_depth Requests waiting for a password hashing slot.\n"
    "# TYPE auth_api_password_hash_queue_depth gauge\n"
    "auth_api_password_hash_queue_depth 0\n"
    "\n"
    "# HELP auth_api_password_hash_cpu_seconds_total Total CPU seconds spent hashing and verifying "
    "passwords.\n"
    "# TYPE auth_api_password_hash_cpu_seconds_total counter\n"
    "\n"
    "# HELP auth_api_http_request_duration_seconds HTTP request duration in seconds.\n"
    "# TYPE auth_api_http_request_duration_seconds histogram\n";

// Runs promtool on `text`; its exit status and output.
std::pair<int, std::string> promtool_check(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("authkit-metrics-" + crypto::random_uuid_v4() + ".prom");
  std::ofstream(path) << text;
  const std::string command = "/usr/bin/promtool check metrics < " + path.string() + " 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  std::filesystem::remove(path);
  return {status, output};
}

}  // namespace

// docs/api.md#metrics
TEST_CASE("metrics: the original's families first, then libauthkit's, in order", "[core]") {
  authkit_test::Harness<authkit_test::SqliteMemory> h;
  CHECK(h.service->metrics_text() == kInitialMetrics);
}

// The value of `sample` (a family and its labels) in `text`, or -1 when it has none.
double sample_value(const std::string& text, const std::string& sample) {
  const auto at = text.find("\n" + sample + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + sample.size() + 2));
}

TEST_CASE("metrics: the CPU time of hashing and verifying is counted per operation", "[core]") {
  authkit_test::Harness<authkit_test::SqliteMemory> h;
  const std::string hash = "auth_api_password_hash_cpu_seconds_total{operation=\"hash\"}";
  const std::string verify = "auth_api_password_hash_cpu_seconds_total{operation=\"verify\"}";
  CHECK(sample_value(h.service->metrics_text(), hash) == -1);  // the startup hash is not counted
  h.signup("cpu@example.com");  // one hash (register), one verification (login)
  auto text = h.service->metrics_text();
  const double hashed = sample_value(text, hash);
  const double verified = sample_value(text, verify);
  CHECK(hashed > 0);
  CHECK(verified > 0);
  REQUIRE_FALSE(h.service->create_session({"cpu@example.com", "wrong-pass-000"}, h.ctx()));
  text = h.service->metrics_text();
  CHECK(sample_value(text, hash) == hashed);
  CHECK(sample_value(text, verify) > verified);  // a wrong password is verified as well
}

TEST_CASE("metrics: the text passes promtool check metrics", "[core]") {
  // scripts/install-deps.sh installs it (package prometheus): missing is a failure, not a skip.
  if (!std::filesystem::exists("/usr/bin/promtool")) {
    FAIL("/usr/bin/promtool is missing: run scripts/install-deps.sh (Debian package prometheus)");
  }
  authkit_test::Harness<authkit_test::SqliteMemory> h;
  auto login = h.signup("prom@example.com");
  REQUIRE(h.refresh(login.refresh_token));
  REQUIRE_FALSE(h.refresh(login.refresh_token));
  REQUIRE_FALSE(h.service->create_session({"prom@example.com", "wrong-pass-000"}, h.ctx()));
  h.service->observe_request_duration("POST", "/v1/auth/sessions", 200, 0.012);
  h.service->observe_request_duration("GET", "/v1/auth/me", 401, 0.002);
  const std::string text = h.service->metrics_text();
  CHECK(text.find("auth_api_http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/"
                  "auth/sessions\",status_code=\"200\",le=\"0.025\"} 1") != std::string::npos);
  const auto [status, output] = promtool_check(text);
  INFO(text);
  INFO(output);
  CHECK(status == 0);
  // promtool does report a broken text (so the check above can fail).
  CHECK(promtool_check("# TYPE x_total counter\nx_total{a=\"b\" 1\n").first != 0);
}
