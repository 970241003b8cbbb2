// Config::from_env and the settings catalogue: the library reads only its own variables, reports
// their issues in the catalogue's order, and knows every documented name (the reference server's
// too, which it accepts and ignores). The rules and messages of every variable are tested, as
// authkit-server reads them, in tests/server/server_config_test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "authkit/config.hpp"
#include "authkit/settings.hpp"
#include "js/js_number.hpp"
#include "js/js_string.hpp"

using authkit::Config;
using authkit::ErrorCode;
using authkit::ErrorDetail;
using authkit::SettingScope;

namespace {

using Env = std::map<std::string, std::string, std::less<>>;

Env valid_env() {
  return {{"ACCESS_TOKEN_SECRET", "access-secret-0123456789-abcdefghijkl"},
          {"REFRESH_TOKEN_SECRET", "refresh-secret-0123456789-abcdefghijkl"}};
}

authkit::Result<Config> load(const Env& env) {
  return Config::from_env([&env](std::string_view name) -> std::optional<std::string> {
    const auto found = env.find(name);
    if (found == env.end()) return std::nullopt;
    return found->second;
  });
}

// Every name docs/configuration.md documented for 1.0, in its order: each stays accepted. A `*`
// marks the reference server's names, which the library accepts and does not read.
constexpr std::string_view kDocumentedFor10 =
    "NODE_ENV* PORT* DATABASE_URL ACCESS_TOKEN_SECRET REFRESH_TOKEN_SECRET "
    "ACCESS_TOKEN_EXPIRES_IN REFRESH_TOKEN_EXPIRES_IN JWT_ISSUER JWT_AUDIENCE REDIS_URL "
    "RATE_LIMIT_WINDOW_MS RATE_LIMIT_MAX_REQUESTS LOG_LEVEL* TRUST_PROXY* DOCS_ENABLED* "
    "METRICS_ENABLED* METRICS_AUTH_TOKEN* BCRYPT_ROUNDS ACCESS_TOKEN_ALGORITHM "
    "ACCESS_TOKEN_PRIVATE_KEY_FILE ACCESS_TOKEN_KEY_ID REFRESH_TOKEN_ALGORITHM "
    "REFRESH_TOKEN_KEY_ID JWT_LEEWAY_SECONDS PASSWORD_HASH_ALGORITHM ARGON2_OPSLIMIT "
    "ARGON2_MEMLIMIT PASSWORD_HASH_CONCURRENCY PASSWORD_HASH_QUEUE_MAX "
    "PASSWORD_HASH_QUEUE_MAX_PER_CLIENT PASSWORD_HASH_QUEUE_TIMEOUT_MS SESSION_MAX_AGE "
    "REFRESH_REUSE_GRACE_MS AUDIT_LOG_EMAILS LOGIN_MAX_FAILURES_PER_ACCOUNT "
    "LOGIN_FAILURE_WINDOW_MS RATE_LIMIT_IPV6_PREFIX PURGE_RETENTION HTTP_THREADS* "
    "HTTP_MAX_THREADS* HTTP_KEEP_ALIVE_MAX* HTTP_READ_TIMEOUT_MS* HTTP_WRITE_TIMEOUT_MS* "
    "HTTP_HEADERS_TIMEOUT_MS* HTTP_REQUEST_TIMEOUT_MS* SHUTDOWN_TIMEOUT_MS* PURGE_INTERVAL* "
    "MIGRATE_ON_START DATABASE_POOL_SIZE DATABASE_READ_COALESCING "
    "DATABASE_READ_COALESCING_PATIENCE_MS METRICS_ALLOW_UNAUTHENTICATED*";

// kDocumentedFor10's names, each with whether it is the server's.
std::vector<std::pair<std::string, bool>> documented_for_10() {
  std::vector<std::pair<std::string, bool>> names;
  std::istringstream words{std::string(kDocumentedFor10)};
  for (std::string word; words >> word;) {
    const bool server = word.ends_with('*');
    if (server) word.pop_back();
    names.emplace_back(word, server);
  }
  return names;
}

// The catalogue today: the 1.0 names with those added since, in docs/configuration.md's order
// (the key rotation's verify-only keys follow REFRESH_TOKEN_KEY_ID).
std::vector<std::pair<std::string, bool>> catalogued_names() {
  auto names = documented_for_10();
  const auto after = std::find(names.begin(), names.end(),
                               std::pair<std::string, bool>{"REFRESH_TOKEN_KEY_ID", false});
  REQUIRE(after != names.end());
  names.insert(after + 1, {{"ACCESS_TOKEN_VERIFY_SECRETS", false},
                           {"ACCESS_TOKEN_VERIFY_KEY_FILES", false},
                           {"REFRESH_TOKEN_VERIFY_SECRETS", false}});
  return names;
}

}  // namespace

TEST_CASE("config: the catalogue holds every documented name, in order, with its reader",
          "[config]") {
  std::vector<std::pair<std::string, bool>> names;
  for (const auto& info : authkit::setting_catalogue()) {
    CAPTURE(info.name);
    names.emplace_back(info.name, info.scope == SettingScope::kServer);
    REQUIRE(authkit::find_setting(info.name) != nullptr);
    CHECK(authkit::find_setting(info.name)->name == info.name);
    CHECK_FALSE(info.default_text.empty());
  }
  CHECK(names == catalogued_names());
  CHECK(names.size() == 55);
  CHECK(authkit::find_setting("DATABSE_URL") == nullptr);
  CHECK(authkit::find_setting("database_url") == nullptr);  // names are exact
}

TEST_CASE("config: from_env reads the library's variables only", "[config]") {
  // The server's variables, even invalid, are not the library's business.
  Env env = valid_env();
  for (const auto& [name, server] : documented_for_10()) {
    if (server) env[name] = "not-a-value";
  }
  auto config = load(env);
  REQUIRE(config.ok());

  // Nor is any other variable of a real environment.
  env["AUTHKIT_SOMETHING_ELSE"] = "x";
  env["DATABSE_URL"] = "postgresql://typo";
  REQUIRE(load(env).ok());
  CHECK(load(env)->database_url == "sqlite://authkit.db");
}

TEST_CASE("config: the library's issues, in the catalogue's order, cross-field rules last",
          "[config]") {
  Env env;
  env["REDIS_URL"] = "rediss://:pw@cache";
  env["BCRYPT_ROUNDS"] = "20";
  env["NODE_ENV"] = "staging";  // the server's: not read here
  env["ACCESS_TOKEN_SECRET"] = "too-short";
  env["ACCESS_TOKEN_EXPIRES_IN"] = "15 minutes";
  env["REFRESH_TOKEN_SECRET"] = "too-short";
  env["PASSWORD_HASH_CONCURRENCY"] = "0";
  env["DATABASE_POOL_SIZE"] = "1001";
  auto config = load(env);
  REQUIRE_FALSE(config.ok());
  const auto& error = config.error();
  CHECK(error.code == ErrorCode::kInvalidConfiguration);
  std::vector<std::string> paths;
  for (const auto& detail : error.details) paths.push_back(detail.path);
  CHECK(paths == std::vector<std::string>{"ACCESS_TOKEN_SECRET", "REFRESH_TOKEN_SECRET",
                                          "ACCESS_TOKEN_EXPIRES_IN", "REDIS_URL", "BCRYPT_ROUNDS",
                                          "PASSWORD_HASH_CONCURRENCY", "DATABASE_POOL_SIZE",
                                          "REFRESH_TOKEN_SECRET"});
  CHECK(error.message.starts_with("Invalid environment configuration: ACCESS_TOKEN_SECRET: "));
  REQUIRE(error.details.size() == 8);
  CHECK(error.details.back() ==
        ErrorDetail{"REFRESH_TOKEN_SECRET",
                    "REFRESH_TOKEN_SECRET must differ from ACCESS_TOKEN_SECRET"});
  CHECK(error.message.find("too-short") == std::string::npos);
  CHECK(error.message.find(":pw@") == std::string::npos);
}

TEST_CASE("config: closest_setting suggests a name at most two edits away", "[config]") {
  using authkit::closest_setting;
  CHECK(closest_setting("DATABSE_URL") == "DATABASE_URL");    // a letter left out
  CHECK(closest_setting("DATABASE_URLL") == "DATABASE_URL");  // one too many
  CHECK(closest_setting("DATABASE_ULR") == "DATABASE_URL");   // two neighbours swapped
  CHECK(closest_setting("database_url") == "DATABASE_URL");   // case counts for nothing
  CHECK(closest_setting("REDIS_URI") == "REDIS_URL");         // one substituted
  CHECK(closest_setting("JWT_ISUER") == "JWT_ISSUER");
  CHECK(closest_setting("ACCESS_TOKEN_SECERT") == "ACCESS_TOKEN_SECRET");
  CHECK(closest_setting("PROT") == "PORT");
  CHECK(closest_setting("RATE_LIMIT_WINDOW") == std::nullopt);  // three edits away
  CHECK(closest_setting("SOMETHING_ELSE") == std::nullopt);
  CHECK(closest_setting("") == std::nullopt);
  CHECK(closest_setting(std::string(10000, 'A')) == std::nullopt);
}

TEST_CASE("config: numbers follow JavaScript Number() coercion", "[config]") {
  // The coercion itself, including the NaN and infinite cases.
  using authkit::detail::js_string_to_number;
  CHECK(js_string_to_number("") == 0);
  CHECK(js_string_to_number("   ") == 0);
  CHECK(js_string_to_number("-0x10") != js_string_to_number("-0x10"));  // NaN: hex takes no sign
  CHECK(js_string_to_number("0x") != js_string_to_number("0x"));
  CHECK(js_string_to_number("1_000") != js_string_to_number("1_000"));
  CHECK(js_string_to_number(".") != js_string_to_number("."));
  CHECK(js_string_to_number("1e") != js_string_to_number("1e"));
  CHECK(js_string_to_number("-Infinity") < 0);
  CHECK(std::isinf(js_string_to_number("1e400")));
  CHECK(js_string_to_number("1e-400") == 0);
  CHECK(js_string_to_number("-2.5") == -2.5);
  CHECK(std::string(authkit::detail::js_trim("\xe3\x80\x80 x \xe2\x80\xa8")) == "x");
}
