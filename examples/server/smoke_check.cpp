// The smoke check's steps and what each must answer (docs/api.md#operations,
// docs/api.md#refresh-steps), its report, and the clean-up after a failure.
#include "smoke_check.hpp"

#include <authkit/crypto.hpp>
#include <authkit/version.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>

#include "smoke_http.hpp"
#include "text.hpp"

namespace authkit::server {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxPrintedText = 200;

std::string random_hex(std::size_t bytes) {
  std::array<std::uint8_t, 32> buffer{};
  const std::span<std::uint8_t> out(buffer.data(), bytes < buffer.size() ? bytes : buffer.size());
  crypto::random_bytes(out);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (const std::uint8_t byte : out) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0x0f];
  }
  return hex;
}

// Text from the deployment made safe to print: secrets removed first (so that cutting the text
// cannot leave a part of one), then printable ASCII only, bounded.
std::string printable(std::string_view text, const std::vector<std::string>& secrets) {
  const std::string redacted = redact(std::string(text), secrets);
  std::string clean;
  for (const char c : std::string_view(redacted).substr(0, kMaxPrintedText)) {
    clean += (c >= 0x20 && c <= 0x7e) ? c : '?';
  }
  if (redacted.size() > kMaxPrintedText) clean += "...";
  return clean;
}

std::string string_at(const json& body, std::initializer_list<const char*> path) {
  const json* node = &body;
  for (const char* key : path) {
    if (!node->is_object()) return "";
    const auto it = node->find(key);
    if (it == node->end()) return "";
    node = &*it;
  }
  return node->is_string() ? node->get<std::string>() : "";
}

// What a step sends and what it must get back.
struct Step {
  const char* name;
  const char* method;
  const char* path;
  json body;             // null: no body
  std::string bearer;    // empty: no Authorization
  int status;            // the expected status
  const char* code;      // the expected error code of an error answer, else nullptr
  const char* expected;  // the expectation in words, for the failure message
  // For a success answer: "" when its JSON body is right, else what is wrong with it.
  std::function<std::string(const json&)> check;
  bool creates_user = false;  // register: its outcome says whether a user is left behind
};

class SmokeRun {
 public:
  SmokeRun(const SmokeOptions& options, std::FILE* out, std::FILE* err)
      : options_(options),
        out_(out),
        err_(err),
        http_(options.target, options.timeout, options.ca_file,
              std::string("authkit-server-smoke/") + AUTHKIT_VERSION_STRING),
        run_id_(random_hex(8)),
        email_("smoke-" + run_id_ + "@" + options.email_domain),
        password_(random_hex(16)) {
    secrets_.push_back(password_);
  }

  int run();

 private:
  std::optional<json> step(const Step& s);
  void fail(const Step& s, const SmokeAnswer& answer, const std::string& problem);
  void clean_up();
  void remember(const json& auth_response);

  const SmokeOptions& options_;
  std::FILE* out_;
  std::FILE* err_;
  SmokeHttp http_;
  std::string run_id_;
  std::string email_;
  std::string password_;
  std::vector<std::string> secrets_;
  // Clean-up state: whether the register request created the user (or may have: its answer was
  // lost), and the tokens of a session this run opened that may still be ACTIVE.
  enum class UserState { kAbsent, kMaybe, kCreated } user_ = UserState::kAbsent;
  std::string live_access_;
  std::string live_refresh_;
};

void SmokeRun::remember(const json& auth_response) {
  live_access_ = string_at(auth_response, {"accessToken"});
  live_refresh_ = string_at(auth_response, {"refreshToken"});
}

std::optional<json> SmokeRun::step(const Step& s) {
  const std::string body = s.body.is_null() ? "" : s.body.dump();
  const SmokeAnswer answer =
      http_.send(s.method, s.path, body, s.bearer, "smoke-" + run_id_ + "-" + s.name);
  if (s.creates_user) {
    if (answer.answered) {
      user_ = answer.status == s.status ? UserState::kCreated : UserState::kAbsent;
    } else {
      user_ = answer.request_sent ? UserState::kMaybe : UserState::kAbsent;
    }
  }
  if (answer.answered) {
    std::fprintf(out_, "  %-14s %3d %6lld ms\n", s.name, answer.status,
                 static_cast<long long>(answer.latency.count()));
  } else {
    std::fprintf(out_, "  %-14s --- %6lld ms\n", s.name,
                 static_cast<long long>(answer.latency.count()));
  }
  std::fflush(out_);
  if (!answer.answered) {
    fail(s, answer, "");
    return std::nullopt;
  }
  json parsed = answer.body.empty() ? json() : json::parse(answer.body, nullptr, false);
  // Any token handed out, expected or not, is a secret from now on: never printed.
  for (const char* key : {"accessToken", "refreshToken"}) {
    if (auto token = string_at(parsed, {key}); !token.empty()) secrets_.push_back(token);
  }
  if (answer.status != s.status) {
    fail(s, answer, "");
    return std::nullopt;
  }
  if (s.code != nullptr) {
    if (string_at(parsed, {"error", "code"}) != s.code) {
      fail(s, answer, "");
      return std::nullopt;
    }
    return parsed;
  }
  if (s.check) {
    if (parsed.is_discarded()) {
      fail(s, answer, "its body is not JSON");
      return std::nullopt;
    }
    if (const std::string problem = s.check(parsed); !problem.empty()) {
      fail(s, answer, problem);
      return std::nullopt;
    }
  }
  return parsed;
}

void SmokeRun::fail(const Step& s, const SmokeAnswer& answer, const std::string& problem) {
  const std::string url = options_.target.url_of(s.path);
  std::string got;
  if (!answer.answered) {
    got = "no answer: " + answer.failure;
  } else {
    got = "answered " + std::to_string(answer.status);
    const json parsed = json::parse(answer.body, nullptr, false);
    const std::string code = string_at(parsed, {"error", "code"});
    const std::string message = string_at(parsed, {"error", "message"});
    if (!code.empty()) got += " " + printable(code, secrets_);
    if (!message.empty()) got += " (" + printable(message, secrets_) + ")";
    if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object() &&
        parsed["error"].contains("details")) {
      got += " details " + printable(parsed["error"]["details"].dump(), secrets_);
    }
    if (!answer.location.empty()) {
      got += ", a redirect to " + printable(answer.location, secrets_);
    }
    if (!problem.empty()) got += ", but " + problem;
  }
  std::fprintf(err_,
               "authkit-server smoke: FAILED at step \"%s\": %s %s %s; expected %s "
               "(x-correlation-id smoke-%s-%s)\n",
               s.name, s.method, url.c_str(), got.c_str(), s.expected, run_id_.c_str(), s.name);
  clean_up();
}

// Ends what this run may have left open. The API has no route that deletes a user, so the
// throw-away user itself stays; its sessions end here or with their refresh tokens' lifetime.
void SmokeRun::clean_up() {
  if (!live_access_.empty()) {
    const SmokeAnswer answer = http_.send("DELETE", "/v1/auth/sessions", "", live_access_,
                                          "smoke-" + run_id_ + "-cleanup");
    if (answer.answered && answer.status == 204) {
      std::fprintf(err_, "authkit-server smoke: clean-up: ended every session of the account\n");
      live_access_.clear();
      live_refresh_.clear();
    }
  }
  if (!live_refresh_.empty()) {
    const SmokeAnswer answer = http_.send("POST", "/v1/auth/sessions/current/revoke",
                                          json{{"refreshToken", live_refresh_}}.dump(), "",
                                          "smoke-" + run_id_ + "-cleanup");
    if (answer.answered && answer.status == 204) {
      std::fprintf(err_, "authkit-server smoke: clean-up: logged the open session out\n");
    } else {
      std::fprintf(err_,
                   "authkit-server smoke: clean-up: could not end the open session (%s); it ends "
                   "when its refresh token expires\n",
                   answer.answered ? ("status " + std::to_string(answer.status)).c_str()
                                   : answer.failure.c_str());
    }
  }
  if (user_ != UserState::kAbsent) {
    std::fprintf(err_,
                 "authkit-server smoke: left behind: %sthe user %s (the API has no route that "
                 "deletes a user)\n",
                 user_ == UserState::kMaybe ? "perhaps " : "", email_.c_str());
  }
}

int SmokeRun::run() {
  const auto started = std::chrono::steady_clock::now();
  std::fprintf(out_, "authkit-server smoke: %s with the throw-away account %s\n",
               options_.target.url_of("").c_str(), email_.c_str());
  std::fflush(out_);

  std::string session_id;
  const auto is_auth_response = [this](const json& body) -> std::string {
    if (string_at(body, {"accessToken"}).empty() || string_at(body, {"refreshToken"}).empty()) {
      return "accessToken or refreshToken is missing";
    }
    if (string_at(body, {"user", "email"}) != email_) return "user.email is not the account's";
    if (string_at(body, {"session", "sessionId"}).empty()) return "session.sessionId is missing";
    if (string_at(body, {"session", "status"}) != "ACTIVE") return "session.status is not ACTIVE";
    return "";
  };

  const auto registered =
      step({"register", "POST", "/v1/auth/register",
            json{{"name", "authkit smoke check"}, {"email", email_}, {"password", password_}}, "",
            201, nullptr, "201 with the new user",
            [this](const json& body) -> std::string {
              return string_at(body, {"user", "email"}) == email_
                         ? ""
                         : "user.email is not the account's";
            },
            true});
  if (!registered) return kSmokeExitFailed;

  const json credentials{{"email", email_}, {"password", password_}};
  auto login =
      step({"login", "POST", "/v1/auth/sessions", credentials, "", 200, nullptr,
            "200 with an access token, a refresh token and an ACTIVE session", is_auth_response});
  if (!login) return kSmokeExitFailed;
  remember(*login);
  session_id = string_at(*login, {"session", "sessionId"});
  const std::string first_refresh = live_refresh_;

  if (!step({"me", "GET", "/v1/auth/me", nullptr, live_access_, 200, nullptr,
             "200 with the account's user and its current session",
             [this, &session_id](const json& body) -> std::string {
               if (string_at(body, {"user", "email"}) != email_) {
                 return "user.email is not the account's";
               }
               if (string_at(body, {"session", "sessionId"}) != session_id) {
                 return "session.sessionId is not the login's";
               }
               return "";
             }})) {
    return kSmokeExitFailed;
  }

  // Two rotations, so the first token's child is used too: a deployment with a reuse grace
  // (docs/compatibility.md#refresh-reuse-grace) must then treat it as a replay all the same.
  for (const char* name : {"refresh", "refresh-again"}) {
    const std::string presented = live_refresh_;
    auto refreshed =
        step({name, "POST", "/v1/auth/tokens/refresh", json{{"refreshToken", presented}}, "", 200,
              nullptr, "200 with a new refresh token for the same session",
              [&](const json& body) -> std::string {
                if (auto problem = is_auth_response(body); !problem.empty()) {
                  return problem;
                }
                if (string_at(body, {"refreshToken"}) == presented) {
                  return "the refresh token was not rotated";
                }
                if (string_at(body, {"session", "sessionId"}) != session_id) {
                  return "session.sessionId is not the login's";
                }
                return "";
              }});
    if (!refreshed) return kSmokeExitFailed;
    remember(*refreshed);
  }

  if (!step({"replay", "POST", "/v1/auth/tokens/refresh", json{{"refreshToken", first_refresh}}, "",
             401, "REFRESH_TOKEN_REUSED",
             "401 REFRESH_TOKEN_REUSED (a used refresh token presented again is a replay)",
             nullptr})) {
    return kSmokeExitFailed;
  }
  if (!step({"after-replay", "GET", "/v1/auth/me", nullptr, live_access_, 401, "SESSION_NOT_ACTIVE",
             "401 SESSION_NOT_ACTIVE (a replay compromises the session and its access tokens)",
             nullptr})) {
    return kSmokeExitFailed;
  }
  live_access_.clear();
  live_refresh_.clear();

  auto second = step({"login-again", "POST", "/v1/auth/sessions", credentials, "", 200, nullptr,
                      "200 with a new session to log out of", is_auth_response});
  if (!second) return kSmokeExitFailed;
  remember(*second);
  const std::string second_access = live_access_;
  if (!step({"logout", "POST", "/v1/auth/sessions/current/revoke",
             json{{"refreshToken", live_refresh_}}, "", 204, nullptr, "204 (session revoked)",
             nullptr})) {
    return kSmokeExitFailed;
  }
  if (!step({"after-logout", "GET", "/v1/auth/me", nullptr, second_access, 401,
             "SESSION_NOT_ACTIVE", "401 SESSION_NOT_ACTIVE (logout ends the session)", nullptr})) {
    return kSmokeExitFailed;
  }
  live_access_.clear();
  live_refresh_.clear();

  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::fprintf(out_,
               "authkit-server smoke: passed in %lld ms; both sessions ended; left behind: the "
               "user %s (the API has no route that deletes a user)\n",
               static_cast<long long>(elapsed.count()), email_.c_str());
  return 0;
}

}  // namespace

int run_smoke_check(const SmokeOptions& options, std::FILE* out, std::FILE* err) {
  SmokeRun run(options, out, err);
  return run.run();
}

}  // namespace authkit::server
