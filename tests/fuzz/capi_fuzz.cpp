// Fuzz target: the C ABI's string entry points (include/authkit/authkit.h). The input is a list
// of C strings (split at NUL bytes); its first byte picks the call. One service (SQLite in
// memory, the cheapest password hashing, limits far above what a run reaches) is opened once,
// with one registered user whose access token the protected calls may use. Oracles: no call
// crashes, a failure's envelope (ak_service_errjson) is JSON naming ak_service_errcode, a success's
// JSON parses, and a configuration's secrets never reach a message.
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "authkit/authkit.h"
#include "fuzz_target.hpp"

using authkit_fuzz::expect;

namespace {

constexpr const char* kAccessCanary = "fuzz-canary-access-secret-7f3a9c1e-0123456789";
constexpr const char* kRefreshCanary = "fuzz-canary-refresh-secret-5b2d8e4f-0123456789";

void must(bool ok) { expect(ok, "a call on valid arguments succeeds"); }

// The settings of the shared service; a configuration under test starts from them too.
void set_defaults(ak_config* cfg) {
  const char* pairs[][2] = {{"DATABASE_URL", "sqlite::memory:"},
                            {"ACCESS_TOKEN_SECRET", kAccessCanary},
                            {"REFRESH_TOKEN_SECRET", kRefreshCanary},
                            {"ARGON2_OPSLIMIT", "1"},
                            {"ARGON2_MEMLIMIT", "8192"},
                            {"RATE_LIMIT_MAX_REQUESTS", "1000000000"},
                            {"LOGIN_MAX_FAILURES_PER_ACCOUNT", "1000000000"}};
  for (const auto& [key, value] : pairs) must(ak_config_set(cfg, key, value) == AK_OK);
}

struct Shared {
  ak_service* service = nullptr;
  std::string access_token;
};

const Shared& shared() {
  static const Shared instance = [] {
    Shared s;
    ak_config* cfg = nullptr;
    must(ak_config_create(&cfg) == AK_OK);
    set_defaults(cfg);
    must(ak_service_create(cfg, &s.service) == AK_OK);
    ak_config_destroy(cfg);
    char* json = nullptr;
    const char pw[] = "correct-horse-battery";
    must(ak_user_register(s.service, nullptr, "Fuzz User", "fuzz@example.com", pw, sizeof pw - 1,
                          &json) == AK_OK);
    ak_free(json);
    must(ak_session_create(s.service, nullptr, "fuzz@example.com", pw, sizeof pw - 1, &json) ==
         AK_OK);
    s.access_token = nlohmann::json::parse(json).at("accessToken").get<std::string>();
    ak_free(json);
    return s;
  }();
  return instance;
}

// A success's JSON must parse; a failure's envelope must be JSON naming the failure's code.
// `out_json` is the address the call wrote to (NULL for a call without JSON): read after the call,
// as the order in which a call's arguments are evaluated is unspecified.
void check(ak_status status, const ak_service* svc, char** out_json) {
  char* json = out_json != nullptr ? *out_json : nullptr;
  if (out_json != nullptr) *out_json = nullptr;
  if (status == AK_OK) {
    expect(json == nullptr || !nlohmann::json::parse(json, nullptr, false).is_discarded(),
           "a success's JSON parses");
    ak_free(json);
    return;
  }
  expect(json == nullptr, "*out_json stays NULL on failure");
  const auto envelope = nlohmann::json::parse(ak_service_errjson(svc), nullptr, false);
  expect(!envelope.is_discarded(), "the error envelope is JSON");
  expect(envelope.at("error").at("code") == ak_service_errcode(svc), "the envelope names the code");
  expect(ak_service_errstatus(svc) >= 400, "a failure has an HTTP error status");
}

// A configuration from the input's name/value pairs over the defaults; DATABASE_URL is made
// empty last so that creation always stops at the configuration (no database is opened) and the
// key file is unset (no file is read). The secrets, when the input keeps them, never show.
void configure(const std::vector<std::string>& fields) {
  ak_config* cfg = nullptr;
  must(ak_config_create(&cfg) == AK_OK);
  set_defaults(cfg);
  for (std::size_t i = 1; i + 1 < fields.size(); i += 2) {
    must(ak_config_set(cfg, fields[i].c_str(), fields[i + 1].c_str()) == AK_OK);
  }
  if (fields.size() % 2 == 0) must(ak_config_set(cfg, fields.back().c_str(), nullptr) == AK_OK);
  must(ak_config_set(cfg, "ACCESS_TOKEN_PRIVATE_KEY_FILE", nullptr) == AK_OK);
  must(ak_config_set(cfg, "DATABASE_URL", "") == AK_OK);
  ak_service* svc = nullptr;
  expect(ak_service_create(cfg, &svc) != AK_OK && svc == nullptr,
         "no service on an empty DATABASE_URL");
  ak_config_destroy(cfg);
  for (const char* text : {ak_service_errmsg(nullptr), ak_service_errjson(nullptr)}) {
    expect(
        std::strstr(text, kAccessCanary) == nullptr && std::strstr(text, kRefreshCanary) == nullptr,
        "no secret in a message");
  }
  check(AK_ERR_INVALID_ARGUMENT, nullptr, nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::vector<std::string> fields(1);
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == 0) {
      fields.emplace_back();
    } else {
      fields.back() += static_cast<char>(data[i]);
    }
  }
  while (fields.size() < 7) fields.emplace_back();
  const auto arg = [&](std::size_t i) { return fields[i].c_str(); };
  const Shared& s = shared();
  ak_service* svc = s.service;
  const int op = data[0] % 9;
  if (op == 0) {
    configure(fields);
    return 0;
  }
  // A request context from the next three strings; an empty one is absent (NULL).
  const auto optional = [&](std::size_t i) { return fields[i].empty() ? nullptr : arg(i); };
  ak_request_context* ctx = nullptr;
  must(ak_request_context_create(optional(1), optional(2), optional(3), &ctx) == AK_OK);
  const char* text = arg(4);
  const char* token = fields[4].empty() ? s.access_token.c_str() : text;
  char* json = nullptr;
  switch (op) {
    case 1:
      check(ak_token_authenticate(svc, ctx, text, &json), svc, &json);
      break;
    case 2:
      check(ak_session_refresh(svc, ctx, text, &json), svc, &json);
      break;
    case 3:
      check(ak_session_revoke_current(svc, ctx, text), svc, nullptr);
      break;
    case 4:
      check(ak_user_me(svc, ctx, token, &json), svc, &json);
      check(ak_session_list(svc, ctx, token, &json), svc, &json);
      break;
    case 5:  // another session id with the user's own token: never found, never revoked
      check(ak_session_revoke(svc, ctx, s.access_token.c_str(), text), svc, nullptr);
      break;
    case 6:
      check(ak_session_create(svc, ctx, text, arg(5), fields[5].size(), &json), svc, &json);
      break;
    case 7:
      check(ak_user_register(svc, ctx, text, arg(5), arg(6), fields[6].size(), &json), svc, &json);
      break;
    default: {
      std::int64_t revoked = 0;
      if (!fields[4].empty()) check(ak_session_revoke_all(svc, ctx, text, &revoked), svc, nullptr);
      break;
    }
  }
  ak_request_context_destroy(ctx);
  return 0;
}

std::vector<std::string> authkit_fuzz::seeds() {
  using namespace std::string_literals;
  return {
      "\x00"s
      "ACCESS_TOKEN_SECRET\0short\0DATABSE_URL\0x\0ARGON2_OPSLIMIT\0zero"s,
      "\x00"s
      "JWT_ISSUER\0 \0REDIS_URL\0rediss://h\0PORT\0-1\0unknown name!\0v"s,
      "\x01"s
      "127.0.0.1\0curl/8\0corr-1\0eyJhbGciOiJIUzI1NiJ9.e30.x"s,
      "\x02"s
      "::1\0\0\0not-a-token"s,
      "\x03"s
      "\0\0\0x.y.z"s,
      "\x04"s
      "10.0.0.1\0ua\0\0"s,
      "\x05"s
      "\0\0\0"
      "5f428015-3654-4757-a1ef-7edc13b2796f"s,
      "\x06"s
      "\0\0\0fuzz@example.com\0wrong-password"s,
      "\x07"s
      "1.2.3.4\0\0\0New User\0new@example.com\0long-enough-password"s,
      "\x08"s
      "\0\0\0abc"s,
  };
}
