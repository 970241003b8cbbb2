// ServerConfig::from_env: every rule and message of the configuration (the library's variables,
// read by Config::read, and the server's own), as one environment gives them to authkit-server.
#include <sodium.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "authkit/config.hpp"
#include "server_config.hpp"

using authkit::Config;
using authkit::Duration;
using authkit::ErrorCode;
using authkit::ErrorDetail;
using authkit::LogLevel;
using authkit::PasswordAlgorithm;
using authkit::server::NodeEnv;
using authkit::server::ServerConfig;
using namespace std::chrono_literals;

namespace {

using Env = std::map<std::string, std::string, std::less<>>;

const std::string kAccessSecret = "access-secret-0123456789-abcdefghijkl";    // 37 characters
const std::string kRefreshSecret = "refresh-secret-0123456789-abcdefghijkl";  // 38 characters

// The smallest environment that loads: the two secrets, which have no default.
Env valid_env() {
  return {{"ACCESS_TOKEN_SECRET", kAccessSecret}, {"REFRESH_TOKEN_SECRET", kRefreshSecret}};
}

Env with(Env env, const std::string& name, const std::string& value) {
  env[name] = value;
  return env;
}

Env without(Env env, const std::string& name) {
  env.erase(name);
  return env;
}

// Both halves of a loaded configuration in one view, so that a test reads `config.port` and
// `config.database_url` alike.
struct Loaded : Config, ServerConfig {
  Loaded() = default;
  explicit Loaded(ServerConfig server) : Config(server.library), ServerConfig(std::move(server)) {}
};

authkit::Result<ServerConfig> load(const Env& env) {
  return ServerConfig::from_env([&env](std::string_view name) -> std::optional<std::string> {
    const auto found = env.find(name);
    if (found == env.end()) return std::nullopt;
    return found->second;
  });
}

Loaded load_ok(const Env& env) {
  auto config = load(env);
  if (!config.ok()) FAIL(config.error().message);
  return Loaded(std::move(config).value());
}

// The error of an environment expected to fail, checked for the shape every failure has.
authkit::Error load_error(const Env& env) {
  auto config = load(env);
  REQUIRE_FALSE(config.ok());
  const auto& error = config.error();
  CHECK(error.code == ErrorCode::kInvalidConfiguration);
  std::string joined = "Invalid environment configuration: ";
  for (std::size_t i = 0; i < error.details.size(); ++i) {
    if (i > 0) joined += "; ";
    joined += error.details[i].path + ": " + error.details[i].message;
  }
  CHECK(error.message == joined);
  return error;
}

// The one issue of an environment with exactly one problem.
ErrorDetail only_issue(const Env& env) {
  const auto error = load_error(env);
  REQUIRE(error.details.size() == 1);
  return error.details[0];
}

void check_issue(const Env& env, const std::string& name, const std::string& message) {
  CAPTURE(name, message);
  CHECK(only_issue(env) == ErrorDetail{name, message});
}

bool mentions(const authkit::Error& error, const std::string& text) {
  if (error.message.find(text) != std::string::npos) return true;
  if (error.diagnostic.find(text) != std::string::npos) return true;
  for (const auto& detail : error.details) {
    if (detail.message.find(text) != std::string::npos) return true;
  }
  return false;
}

// A file in the temporary directory, removed when the test ends.
class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("authkit-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
             ".pem");
    std::ofstream(path_) << contents;
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Not a real key: from_env only checks that the file is PEM; the token code parses it.
const std::string kFakePem =
    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINOTAREALKEYNOTAREALKEYNOTAREALKEY\n"
    "-----END PRIVATE KEY-----\n";

}  // namespace

TEST_CASE("server config: defaults", "[server-config]") {
  const auto config = load_ok(valid_env());
  CHECK(config.node_env == NodeEnv::kDevelopment);
  CHECK(config.port == 3000);
  CHECK(config.database_url == "sqlite://authkit.db");
  CHECK(config.access_token_secret == kAccessSecret);
  CHECK(config.refresh_token_secret == kRefreshSecret);
  CHECK(config.access_token_expires_in == 15min);
  CHECK(config.refresh_token_expires_in == std::chrono::days(7));
  CHECK(config.jwt_issuer == "auth-api");
  CHECK(config.jwt_audience == "auth-api-clients");
  CHECK_FALSE(config.redis_url.has_value());
  CHECK(config.rate_limit_window == 60000ms);
  CHECK(config.rate_limit_max_requests == 100);
  CHECK(config.log_level == LogLevel::kInfo);
  CHECK(config.trust_proxy == 0);
  CHECK(config.docs_enabled);
  CHECK_FALSE(config.metrics_enabled);
  CHECK_FALSE(config.metrics_auth_token.has_value());
  CHECK(config.bcrypt_rounds == 10);
  CHECK(config.access_token_algorithm == "HS256");
  CHECK_FALSE(config.access_token_private_key_file.has_value());
  CHECK(config.access_token_private_key_pem.empty());
  CHECK_FALSE(config.access_token_key_id.has_value());
  CHECK(config.refresh_token_algorithm == "HS256");
  CHECK_FALSE(config.refresh_token_key_id.has_value());
  CHECK(config.jwt_leeway == 0s);
  CHECK(config.password_hash_algorithm == PasswordAlgorithm::kArgon2id);
  CHECK(config.argon2_opslimit == crypto_pwhash_OPSLIMIT_INTERACTIVE);
  CHECK(config.argon2_memlimit == crypto_pwhash_MEMLIMIT_INTERACTIVE);
  CHECK(config.password_hash_concurrency == authkit::default_password_hash_concurrency());
  CHECK(config.password_hash_concurrency >= 1);

  const auto policy = config.password_policy();
  CHECK(policy.algorithm == PasswordAlgorithm::kArgon2id);
  CHECK(policy.argon2_opslimit == crypto_pwhash_OPSLIMIT_INTERACTIVE);
  CHECK(policy.argon2_memlimit == crypto_pwhash_MEMLIMIT_INTERACTIVE);
  CHECK(policy.bcrypt_rounds == 10);
  CHECK(policy.max_concurrency == config.password_hash_concurrency);
}

TEST_CASE("server config: missing secrets are reported like the original", "[server-config]") {
  const auto error = load_error({});
  CHECK(error.message ==
        "Invalid environment configuration: "
        "ACCESS_TOKEN_SECRET: Invalid input: expected string, received undefined; "
        "REFRESH_TOKEN_SECRET: Invalid input: expected string, received undefined");
  CHECK(error.status == 500);
  check_issue(without(valid_env(), "ACCESS_TOKEN_SECRET"), "ACCESS_TOKEN_SECRET",
              "Invalid input: expected string, received undefined");
  check_issue(without(valid_env(), "REFRESH_TOKEN_SECRET"), "REFRESH_TOKEN_SECRET",
              "Invalid input: expected string, received undefined");
}

TEST_CASE("server config: secrets must have 32 characters after trimming", "[server-config]") {
  for (const std::string name : {"ACCESS_TOKEN_SECRET", "REFRESH_TOKEN_SECRET"}) {
    CAPTURE(name);
    const std::string message = name + " must have at least 32 characters";
    check_issue(with(valid_env(), name, ""), name, message);
    check_issue(with(valid_env(), name, "   \t\n "), name, message);
    const std::string short_secret(31, 'z');
    const auto error = load_error(with(valid_env(), name, short_secret));
    CHECK(error.details == std::vector{ErrorDetail{name, message}});
    CHECK_FALSE(mentions(error, short_secret));
    // White space around 31 characters does not make them 32.
    check_issue(with(valid_env(), name, "  " + short_secret + "\n"), name, message);
  }
  // Exactly 32 characters loads, and the trimmed text is the key.
  const std::string secret32(32, 'k');
  const auto config = load_ok(with(valid_env(), "ACCESS_TOKEN_SECRET", " \t" + secret32 + "\r\n"));
  CHECK(config.access_token_secret == secret32);
  // Trimming follows JavaScript: a no-break space and a BOM are white space too.
  const auto unicode =
      load_ok(with(valid_env(), "ACCESS_TOKEN_SECRET", "\xc2\xa0" + secret32 + "\xef\xbb\xbf"));
  CHECK(unicode.access_token_secret == secret32);
}

TEST_CASE("server config: secret length counts JavaScript characters, not bytes",
          "[server-config]") {
  std::string accented;  // 16 characters, 32 bytes
  for (int i = 0; i < 16; ++i) accented += "\xc3\xa9";
  check_issue(with(valid_env(), "ACCESS_TOKEN_SECRET", accented), "ACCESS_TOKEN_SECRET",
              "ACCESS_TOKEN_SECRET must have at least 32 characters");
  std::string emoji;  // 16 emoji: 32 UTF-16 code units, as JavaScript's length counts them
  for (int i = 0; i < 16; ++i) emoji += "\xf0\x9f\x94\x91";
  CHECK(load(with(valid_env(), "ACCESS_TOKEN_SECRET", emoji)).ok());
}

// docs/compatibility.md#distinct-secrets
TEST_CASE("server config: the two secrets must differ", "[server-config]") {
  const auto error = load_error(with(valid_env(), "REFRESH_TOKEN_SECRET", kAccessSecret));
  CHECK(error.details ==
        std::vector{ErrorDetail{"REFRESH_TOKEN_SECRET",
                                "REFRESH_TOKEN_SECRET must differ from ACCESS_TOKEN_SECRET"}});
  CHECK_FALSE(mentions(error, kAccessSecret));
  // Compared after trimming: white space does not make them different keys.
  check_issue(with(valid_env(), "REFRESH_TOKEN_SECRET", "  " + kAccessSecret + " "),
              "REFRESH_TOKEN_SECRET", "REFRESH_TOKEN_SECRET must differ from ACCESS_TOKEN_SECRET");
}

TEST_CASE("server config: a PEM key is refused as an HMAC secret", "[server-config]") {
  const std::string pem =
      "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
      "-----END PUBLIC KEY-----";
  for (const std::string name : {"ACCESS_TOKEN_SECRET", "REFRESH_TOKEN_SECRET"}) {
    CAPTURE(name);
    const auto error = load_error(with(valid_env(), name, pem));
    REQUIRE(error.details.size() == 1);
    CHECK(error.details[0].path == name);
    CHECK(error.details[0].message ==
          name +
              " looks like a PEM key (-----BEGIN): it must be a random shared secret, never a "
              "public or private key");
    CHECK_FALSE(mentions(error, "MCowBQYDK2Vw"));
  }
}

TEST_CASE("server config: parse_duration reads each form once", "[server-config]") {
  struct Case {
    const char* text;
    Duration expected;
  };
  const Case valid[] = {
      {"0", 0s},
      {"1000", 1000s},
      {"60", 60s},
      {"15m", 15min},
      {"7d", 168h},
      {"60s", 60s},
      {"500ms", 500ms},
      {"2h", 2h},
      {"007s", 7s},
      {"0ms", 0ms},
      {"1d", 86400s},
      {"00015m", 15min},
      {"1s", 1000ms},
      {"0d", 0s},
      {"9007199254740991ms", Duration(9007199254740991)},
      {"104249991d", 104249991 * 24h},
  };
  for (const auto& c : valid) {
    CAPTURE(c.text);
    const auto parsed = authkit::parse_duration(c.text);
    REQUIRE(parsed.ok());
    CHECK(*parsed == c.expected);
  }
  const char* invalid[] = {"",    "15M",  "1.5h", "1 day", "1w", "1y",   "-5s",
                           "+5s", " 15m", "15m ", "ms",    "s",  "15mm", "0x10",
                           "15S", "1e3",  "d7",   "15 m",  "1H", "5Ms",  "٣s"};
  for (const char* text : invalid) {
    CAPTURE(text);
    const auto parsed = authkit::parse_duration(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ErrorCode::kInvalidConfiguration);
    CHECK(parsed.error().message ==
          "must use a supported duration format such as 15m, 7d, 60s, or 1000");
  }
  for (const char* text : {"9007199254740992ms", "104249992d", "9007199254741s",
                           "99999999999999999999999999999999999999s", "18446744073709551616"}) {
    CAPTURE(text);
    const auto parsed = authkit::parse_duration(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message == "must be at most 9007199254740991 milliseconds");
  }
}

// docs/compatibility.md#one-parsed-lifetime
TEST_CASE("server config: token lifetimes use the one parsed duration", "[server-config]") {
  // Bare digits are seconds for the token as for the stored row: 1000 is 1000 s, not 1 s.
  const auto config = load_ok(with(with(valid_env(), "ACCESS_TOKEN_EXPIRES_IN", " 1000 "),
                                   "REFRESH_TOKEN_EXPIRES_IN", "500ms"));
  CHECK(config.access_token_expires_in == 1000s);
  CHECK(config.refresh_token_expires_in == 500ms);
  for (const std::string name : {"ACCESS_TOKEN_EXPIRES_IN", "REFRESH_TOKEN_EXPIRES_IN"}) {
    CAPTURE(name);
    check_issue(with(valid_env(), name, "15 minutes"), name,
                "must use a supported duration format such as 15m, 7d, 60s, or 1000");
    check_issue(with(valid_env(), name, ""), name,
                "must use a supported duration format such as 15m, 7d, 60s, or 1000");
    check_issue(with(valid_env(), name, "1.5h"), name,
                "must use a supported duration format such as 15m, 7d, 60s, or 1000");
    check_issue(with(valid_env(), name, "9999999999999999d"), name,
                "must be at most 9007199254740991 milliseconds");
    const auto error = load_error(with(valid_env(), name, "15 minutes"));
    CHECK(error.message.find(name + ": must use a supported duration format") != std::string::npos);
  }
}

TEST_CASE("server config: numbers follow JavaScript Number() coercion", "[server-config]") {
  struct Case {
    const char* text;
    std::int64_t expected;
  };
  const Case cases[] = {{" 12 ", 12},   {"1e3", 1000}, {"0x10", 16}, {"0X1f", 31}, {"0o17", 15},
                        {"0b101", 5},   {"+5", 5},     {".5e1", 5},  {"5.", 5},    {"5.0", 5},
                        {"\t80\n", 80}, {"00080", 80}, {"1E2", 100}};
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(load_ok(with(valid_env(), "PORT", c.text)).port == c.expected);
  }
  CHECK(load_ok(with(valid_env(), "RATE_LIMIT_WINDOW_MS", "1500")).rate_limit_window == 1500ms);
  CHECK(load_ok(with(valid_env(), "RATE_LIMIT_MAX_REQUESTS", "5")).rate_limit_max_requests == 5);
  CHECK(load_ok(with(valid_env(), "TRUST_PROXY", "2")).trust_proxy == 2);
  CHECK(load_ok(with(valid_env(), "TRUST_PROXY", "0")).trust_proxy == 0);
}

TEST_CASE("server config: integer rules and their zod messages", "[server-config]") {
  for (const std::string name : {"PORT", "RATE_LIMIT_WINDOW_MS", "RATE_LIMIT_MAX_REQUESTS"}) {
    CAPTURE(name);
    check_issue(with(valid_env(), name, ""), name, "Too small: expected number to be >0");
    check_issue(with(valid_env(), name, "0"), name, "Too small: expected number to be >0");
    check_issue(with(valid_env(), name, "-3"), name, "Too small: expected number to be >0");
    check_issue(with(valid_env(), name, "1.5"), name,
                "Invalid input: expected int, received number");
    // zod stops at a non-integer: no second "Too small" issue.
    check_issue(with(valid_env(), name, "-1.5"), name,
                "Invalid input: expected int, received number");
    check_issue(with(valid_env(), name, "abc"), name,
                "Invalid input: expected number, received NaN");
    check_issue(with(valid_env(), name, "12px"), name,
                "Invalid input: expected number, received NaN");
    check_issue(with(valid_env(), name, "Infinity"), name,
                "Invalid input: expected number, received Infinity");
    check_issue(with(valid_env(), name, "1e400"), name,
                "Invalid input: expected number, received Infinity");
    check_issue(with(valid_env(), name, "9007199254740993"), name,
                "Too big: expected int to be <=9007199254740991");
  }
  check_issue(with(valid_env(), "TRUST_PROXY", "true"), "TRUST_PROXY",
              "Invalid input: expected number, received NaN");
  check_issue(with(valid_env(), "TRUST_PROXY", "-1"), "TRUST_PROXY",
              "Too small: expected number to be >=0");
  check_issue(with(valid_env(), "TRUST_PROXY", "0.5"), "TRUST_PROXY",
              "Invalid input: expected int, received number");
  check_issue(with(valid_env(), "BCRYPT_ROUNDS", "7"), "BCRYPT_ROUNDS",
              "Too small: expected number to be >=8");
  check_issue(with(valid_env(), "BCRYPT_ROUNDS", "16"), "BCRYPT_ROUNDS",
              "Too big: expected number to be <=15");
  check_issue(with(valid_env(), "BCRYPT_ROUNDS", ""), "BCRYPT_ROUNDS",
              "Too small: expected number to be >=8");
  CHECK(load_ok(with(valid_env(), "BCRYPT_ROUNDS", "8")).bcrypt_rounds == 8);
  CHECK(load_ok(with(valid_env(), "BCRYPT_ROUNDS", "15")).bcrypt_rounds == 15);
  // A huge negative value breaks two rules, and zod reports both.
  const auto error = load_error(with(valid_env(), "PORT", "-1e20"));
  CHECK(error.details ==
        std::vector{ErrorDetail{"PORT", "Too small: expected int to be >=-9007199254740991"},
                    ErrorDetail{"PORT", "Too small: expected number to be >0"}});
}

TEST_CASE("server config: booleans", "[server-config]") {
  for (const std::string name : {"DOCS_ENABLED", "METRICS_ENABLED"}) {
    CAPTURE(name);
    for (const char* yes : {"1", "true", "TRUE", "Yes", " on ", "On\n"}) {
      CAPTURE(yes);
      const auto config = load_ok(with(valid_env(), name, yes));
      CHECK((name == "DOCS_ENABLED" ? config.docs_enabled : config.metrics_enabled));
    }
    for (const char* no : {"0", "false", "False", "NO", " off "}) {
      CAPTURE(no);
      const auto config = load_ok(with(valid_env(), name, no));
      CHECK_FALSE((name == "DOCS_ENABLED" ? config.docs_enabled : config.metrics_enabled));
    }
    for (const char* bad : {"", "maybe", "2", "enabled", "t"}) {
      CAPTURE(bad);
      check_issue(with(valid_env(), name, bad), name,
                  "Invalid input: expected boolean, received string");
    }
  }
}

TEST_CASE("server config: NODE_ENV and LOG_LEVEL enums", "[server-config]") {
  CHECK(load_ok(with(valid_env(), "NODE_ENV", "production")).node_env == NodeEnv::kProduction);
  CHECK(load_ok(with(valid_env(), "NODE_ENV", "test")).node_env == NodeEnv::kTest);
  CHECK(load_ok(with(valid_env(), "NODE_ENV", "development")).node_env == NodeEnv::kDevelopment);
  for (const char* bad : {"staging", "", "Production", " test"}) {
    CAPTURE(bad);
    check_issue(with(valid_env(), "NODE_ENV", bad), "NODE_ENV",
                R"(Invalid option: expected one of "development"|"test"|"production")");
  }

  // LOG_LEVEL defaults to silent under NODE_ENV=test, to info otherwise.
  CHECK_FALSE(load_ok(with(valid_env(), "NODE_ENV", "test")).log_level.has_value());
  CHECK(load_ok(with(valid_env(), "NODE_ENV", "production")).log_level == LogLevel::kInfo);
  CHECK(load_ok(valid_env()).log_level == LogLevel::kInfo);
  CHECK(load_ok(with(with(valid_env(), "NODE_ENV", "test"), "LOG_LEVEL", "debug")).log_level ==
        LogLevel::kDebug);
  CHECK_FALSE(load_ok(with(valid_env(), "LOG_LEVEL", "silent")).log_level.has_value());
  const std::pair<const char*, LogLevel> levels[] = {
      {"fatal", LogLevel::kFatal}, {"error", LogLevel::kError}, {"warn", LogLevel::kWarn},
      {"info", LogLevel::kInfo},   {"debug", LogLevel::kDebug}, {"trace", LogLevel::kTrace}};
  for (const auto& [text, level] : levels) {
    CAPTURE(text);
    CHECK(load_ok(with(valid_env(), "LOG_LEVEL", text)).log_level == level);
  }
  check_issue(
      with(valid_env(), "LOG_LEVEL", "verbose"), "LOG_LEVEL",
      R"(Invalid option: expected one of "silent"|"fatal"|"error"|"warn"|"info"|"debug"|"trace")");
}

TEST_CASE("server config: issuer and audience are trimmed and non-empty", "[server-config]") {
  const auto config =
      load_ok(with(with(valid_env(), "JWT_ISSUER", " my-issuer "), "JWT_AUDIENCE", "clients\n"));
  CHECK(config.jwt_issuer == "my-issuer");
  CHECK(config.jwt_audience == "clients");
  for (const std::string name : {"JWT_ISSUER", "JWT_AUDIENCE"}) {
    CAPTURE(name);
    check_issue(with(valid_env(), name, ""), name,
                "Too small: expected string to have >=1 characters");
    check_issue(with(valid_env(), name, "  \t"), name,
                "Too small: expected string to have >=1 characters");
  }
}

TEST_CASE("server config: METRICS_AUTH_TOKEN is optional, else 16 characters", "[server-config]") {
  CHECK_FALSE(load_ok(with(valid_env(), "METRICS_AUTH_TOKEN", "")).metrics_auth_token);
  CHECK_FALSE(load_ok(with(valid_env(), "METRICS_AUTH_TOKEN", "   ")).metrics_auth_token);
  CHECK(load_ok(with(valid_env(), "METRICS_AUTH_TOKEN", " 0123456789abcdef ")).metrics_auth_token ==
        "0123456789abcdef");
  const auto error = load_error(with(valid_env(), "METRICS_AUTH_TOKEN", "scrape-me"));
  CHECK(error.details ==
        std::vector{ErrorDetail{"METRICS_AUTH_TOKEN",
                                "METRICS_AUTH_TOKEN must have at least 16 characters"}});
  CHECK_FALSE(mentions(error, "scrape-me"));
}

TEST_CASE("server config: DATABASE_URL forms", "[server-config]") {
  CHECK(load_ok(valid_env()).database_url == "sqlite://authkit.db");
  for (const char* url :
       {"sqlite://authkit.db", "sqlite:///var/lib/authkit/auth.db", "sqlite://data/auth.db",
        "sqlite::memory:", "postgresql://auth:pw@db.internal:5432/auth",
        "postgres://localhost/auth", "postgresql://"}) {
    CAPTURE(url);
    CHECK(load_ok(with(valid_env(), "DATABASE_URL", url)).database_url == url);
  }
  CHECK(load_ok(with(valid_env(), "DATABASE_URL", " sqlite::memory:\n")).database_url ==
        "sqlite::memory:");
  check_issue(with(valid_env(), "DATABASE_URL", ""), "DATABASE_URL", "DATABASE_URL is required");
  check_issue(with(valid_env(), "DATABASE_URL", "  "), "DATABASE_URL", "DATABASE_URL is required");
  check_issue(with(valid_env(), "DATABASE_URL", "sqlite://"), "DATABASE_URL",
              "DATABASE_URL must give a file path after sqlite://, as in sqlite://authkit.db or "
              "sqlite:///var/lib/authkit/auth.db");
  for (const char* url : {"mysql://root:hunter2secret@db/auth", "sqlite:authkit.db", "authkit.db",
                          "SQLITE://authkit.db", "sqlite::memory", "postgresql:/x"}) {
    CAPTURE(url);
    const auto error = load_error(with(valid_env(), "DATABASE_URL", url));
    CHECK(error.details ==
          std::vector{ErrorDetail{"DATABASE_URL",
                                  "DATABASE_URL must be sqlite://PATH, sqlite::memory:, "
                                  "postgresql://... or postgres://..."}});
    CHECK_FALSE(mentions(error, "hunter2secret"));
  }
}

TEST_CASE("server config: parse_redis_url", "[server-config]") {
  auto plain = authkit::parse_redis_url("redis://localhost");
  REQUIRE(plain.ok());
  CHECK(plain->host == "localhost");
  CHECK(plain->port == 6379);
  CHECK(plain->db == 0);
  CHECK(plain->username.empty());
  CHECK(plain->password.empty());

  auto full = authkit::parse_redis_url("redis://:p%40ss%3Aword@cache.internal:6380/2");
  REQUIRE(full.ok());
  CHECK(full->host == "cache.internal");
  CHECK(full->port == 6380);
  CHECK(full->db == 2);
  CHECK(full->username.empty());
  CHECK(full->password == "p@ss:word");

  auto acl = authkit::parse_redis_url("redis://app:secret@10.0.0.5/");
  REQUIRE(acl.ok());
  CHECK(acl->username == "app");
  CHECK(acl->password == "secret");
  CHECK(acl->host == "10.0.0.5");
  CHECK(acl->db == 0);

  auto v6 = authkit::parse_redis_url("redis://[::1]:7000");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 7000);

  const std::string format = "must look like redis://[[username]:password@]host[:port][/db]";
  struct Bad {
    const char* url;
    std::string message;
  };
  const std::string scheme =
      "must start with redis:// (redis://[[username]:password@]host[:port][/db])";
  const Bad bad[] = {
      {"http://localhost", scheme},
      {"redis://", "the host is missing"},
      {"redis://:pw@", "the host is missing"},
      {"redis://pw@host", format},
      {"redis://host?db=1", "a query or fragment is not supported: give the database as /db"},
      {"redis://ho st", "the host has a character a host name cannot have"},
      {"redis://[::1", "an IPv6 host must be written in brackets, as [::1]"},
      {"redis://[::g]", "the bracketed IPv6 host is not an IPv6 address"},
      {"redis://:p%4@host", "the user information has a broken percent-encoding (%XX)"},
      {"localhost:6379", scheme},
      {"REDIS://localhost", scheme},
      {"redis://host:0", "port must be an integer from 1 to 65535"},
      {"redis://host:65536", "port must be an integer from 1 to 65535"},
      {"redis://host:", "port must be an integer from 1 to 65535"},
      {"redis://host:abc", "port must be an integer from 1 to 65535"},
      {"redis://host/x", "database must be a non-negative integer, as in redis://host/0"},
      {"redis://host/-1", "database must be a non-negative integer, as in redis://host/0"},
      {"rediss://localhost:6380",
       "rediss:// (TLS) is not supported: Debian 12's hiredis is built without TLS support; use "
       "redis://"},
  };
  for (const auto& b : bad) {
    CAPTURE(b.url);
    auto parsed = authkit::parse_redis_url(b.url);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ErrorCode::kInvalidConfiguration);
    CHECK(parsed.error().message == b.message);
  }
}

TEST_CASE("server config: REDIS_URL is optional and checked", "[server-config]") {
  CHECK_FALSE(load_ok(with(valid_env(), "REDIS_URL", "")).redis_url.has_value());
  CHECK_FALSE(load_ok(with(valid_env(), "REDIS_URL", "  \n")).redis_url.has_value());
  CHECK(load_ok(with(valid_env(), "REDIS_URL", " redis://localhost:6379 ")).redis_url ==
        "redis://localhost:6379");

  const auto tls = load_error(with(valid_env(), "REDIS_URL", "rediss://:TopSecretPw@cache:6380"));
  REQUIRE(tls.details.size() == 1);
  CHECK(tls.details[0].path == "REDIS_URL");
  CHECK(tls.details[0].message.find("TLS") != std::string::npos);
  CHECK(tls.details[0].message.find("hiredis") != std::string::npos);
  CHECK_FALSE(mentions(tls, "TopSecretPw"));

  const auto port = load_error(with(valid_env(), "REDIS_URL", "redis://:TopSecretPw@cache:99999"));
  CHECK(port.details ==
        std::vector{ErrorDetail{"REDIS_URL", "port must be an integer from 1 to 65535"}});
  CHECK_FALSE(mentions(port, "TopSecretPw"));
  const auto format = load_error(with(valid_env(), "REDIS_URL", "TopSecretPw@cache"));
  CHECK_FALSE(mentions(format, "TopSecretPw"));
}

TEST_CASE("server config: access token algorithms and key files", "[server-config]") {
  for (const char* algorithm : {"HS256", "HS384", "HS512"}) {
    CAPTURE(algorithm);
    const std::string secret(64, 's');
    const auto config = load_ok(with(with(valid_env(), "ACCESS_TOKEN_ALGORITHM", algorithm),
                                     "ACCESS_TOKEN_SECRET", secret));
    CHECK(config.access_token_algorithm == algorithm);
  }
  // RFC 7518 section 3.2: an HMAC key as long as the hash.
  check_issue(with(valid_env(), "ACCESS_TOKEN_ALGORITHM", "HS384"), "ACCESS_TOKEN_SECRET",
              "ACCESS_TOKEN_SECRET must have at least 48 characters for HS384");
  check_issue(with(with(valid_env(), "ACCESS_TOKEN_ALGORITHM", "HS512"), "ACCESS_TOKEN_SECRET",
                   std::string(48, 's')),
              "ACCESS_TOKEN_SECRET",
              "ACCESS_TOKEN_SECRET must have at least 64 characters for HS512");

  for (const char* bad : {"none", "hs256", "RS512", "", "HS256 "}) {
    CAPTURE(bad);
    check_issue(
        with(valid_env(), "ACCESS_TOKEN_ALGORITHM", bad), "ACCESS_TOKEN_ALGORITHM",
        R"(Invalid option: expected one of "HS256"|"HS384"|"HS512"|"RS256"|"ES256"|"EdDSA")");
  }

  const TempFile key(kFakePem);
  for (const char* algorithm : {"RS256", "ES256", "EdDSA"}) {
    CAPTURE(algorithm);
    // The key file is required, and ACCESS_TOKEN_SECRET is not (nothing uses it then).
    const auto no_file = load_error(
        without(with(valid_env(), "ACCESS_TOKEN_ALGORITHM", algorithm), "ACCESS_TOKEN_SECRET"));
    CHECK(no_file.details ==
          std::vector{ErrorDetail{"ACCESS_TOKEN_PRIVATE_KEY_FILE",
                                  std::string("ACCESS_TOKEN_PRIVATE_KEY_FILE is required when "
                                              "ACCESS_TOKEN_ALGORITHM is ") +
                                      algorithm}});
    const auto config =
        load_ok(without(with(with(valid_env(), "ACCESS_TOKEN_ALGORITHM", algorithm),
                             "ACCESS_TOKEN_PRIVATE_KEY_FILE", " " + key.path() + " "),
                        "ACCESS_TOKEN_SECRET"));
    CHECK(config.access_token_algorithm == algorithm);
    CHECK(config.access_token_private_key_file == key.path());
    CHECK(config.access_token_private_key_pem == kFakePem);
    CHECK(config.access_token_secret.empty());
  }

  // A key file with an HMAC algorithm is a misconfiguration, not silently ignored.
  check_issue(with(valid_env(), "ACCESS_TOKEN_PRIVATE_KEY_FILE", key.path()),
              "ACCESS_TOKEN_PRIVATE_KEY_FILE",
              "ACCESS_TOKEN_PRIVATE_KEY_FILE is only used with ACCESS_TOKEN_ALGORITHM RS256, "
              "ES256 or EdDSA; HS256 signs with ACCESS_TOKEN_SECRET");
}

TEST_CASE("server config: unreadable key files name the variable and path, never the contents",
          "[server-config]") {
  const auto env_for = [](const std::string& path) {
    return with(with(valid_env(), "ACCESS_TOKEN_ALGORITHM", "EdDSA"),
                "ACCESS_TOKEN_PRIVATE_KEY_FILE", path);
  };
  const std::string missing = "/nonexistent/authkit/key.pem";
  check_issue(
      env_for(missing), "ACCESS_TOKEN_PRIVATE_KEY_FILE",
      "ACCESS_TOKEN_PRIVATE_KEY_FILE: cannot read \"" + missing + "\": No such file or directory");

  const std::string directory = std::filesystem::temp_directory_path().string();
  check_issue(env_for(directory), "ACCESS_TOKEN_PRIVATE_KEY_FILE",
              "ACCESS_TOKEN_PRIVATE_KEY_FILE: cannot read \"" + directory + "\": Is a directory");

  const TempFile not_pem("SuperSecretKeyMaterial-not-a-pem-file\n");
  const auto error = load_error(env_for(not_pem.path()));
  CHECK(error.details ==
        std::vector{ErrorDetail{"ACCESS_TOKEN_PRIVATE_KEY_FILE",
                                "ACCESS_TOKEN_PRIVATE_KEY_FILE: \"" + not_pem.path() +
                                    "\" does not hold a PEM private key"}});
  CHECK_FALSE(mentions(error, "SuperSecretKeyMaterial"));

  const TempFile public_key(
      "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n");
  CHECK(only_issue(env_for(public_key.path())).message == "ACCESS_TOKEN_PRIVATE_KEY_FILE: \"" +
                                                              public_key.path() +
                                                              "\" does not hold a PEM private key");

  const TempFile huge(std::string(1024 * 1024 + 1, 'A'));
  CHECK(only_issue(env_for(huge.path())).message ==
        "ACCESS_TOKEN_PRIVATE_KEY_FILE: \"" + huge.path() + "\" is larger than 1 MiB");
}

TEST_CASE("server config: refresh tokens always use HS256", "[server-config]") {
  CHECK(load_ok(with(valid_env(), "REFRESH_TOKEN_ALGORITHM", "HS256")).refresh_token_algorithm ==
        "HS256");
  for (const char* bad : {"HS512", "RS256", "EdDSA", "hs256", ""}) {
    CAPTURE(bad);
    check_issue(with(valid_env(), "REFRESH_TOKEN_ALGORITHM", bad), "REFRESH_TOKEN_ALGORITHM",
                "REFRESH_TOKEN_ALGORITHM must be HS256: refresh tokens are only verified by this "
                "service, so they always use HS256");
  }
}

TEST_CASE("server config: key ids are optional and trimmed", "[server-config]") {
  const auto config = load_ok(with(with(valid_env(), "ACCESS_TOKEN_KEY_ID", " access-2026 "),
                                   "REFRESH_TOKEN_KEY_ID", "refresh-1"));
  CHECK(config.access_token_key_id == "access-2026");
  CHECK(config.refresh_token_key_id == "refresh-1");
  const auto blank = load_ok(with(valid_env(), "ACCESS_TOKEN_KEY_ID", "  "));
  CHECK_FALSE(blank.access_token_key_id.has_value());
}

TEST_CASE("server config: JWT leeway", "[server-config]") {
  CHECK(load_ok(with(valid_env(), "JWT_LEEWAY_SECONDS", "30")).jwt_leeway == 30s);
  check_issue(with(valid_env(), "JWT_LEEWAY_SECONDS", "-1"), "JWT_LEEWAY_SECONDS",
              "Too small: expected number to be >=0");
  check_issue(with(valid_env(), "JWT_LEEWAY_SECONDS", "2.5"), "JWT_LEEWAY_SECONDS",
              "Invalid input: expected int, received number");
}

TEST_CASE("server config: password hashing settings make the policy", "[server-config]") {
  auto env = valid_env();
  env["PASSWORD_HASH_ALGORITHM"] = "bcrypt";
  env["BCRYPT_ROUNDS"] = "12";
  env["ARGON2_OPSLIMIT"] = "3";
  env["ARGON2_MEMLIMIT"] = "16384";
  env["PASSWORD_HASH_CONCURRENCY"] = "5";
  const auto policy = load_ok(env).password_policy();
  CHECK(policy.algorithm == PasswordAlgorithm::kBcrypt);
  CHECK(policy.bcrypt_rounds == 12);
  CHECK(policy.argon2_opslimit == 3);
  CHECK(policy.argon2_memlimit == 16384);
  CHECK(policy.max_concurrency == 5);

  CHECK(load_ok(with(valid_env(), "PASSWORD_HASH_ALGORITHM", "argon2id")).password_hash_algorithm ==
        PasswordAlgorithm::kArgon2id);
  check_issue(with(valid_env(), "PASSWORD_HASH_ALGORITHM", "scrypt"), "PASSWORD_HASH_ALGORITHM",
              R"(Invalid option: expected one of "argon2id"|"bcrypt")");
  check_issue(with(valid_env(), "ARGON2_OPSLIMIT", "0"), "ARGON2_OPSLIMIT",
              "Too small: expected number to be >=1");
  check_issue(with(valid_env(), "ARGON2_OPSLIMIT", "4294967296"), "ARGON2_OPSLIMIT",
              "Too big: expected number to be <=4294967295");
  check_issue(with(valid_env(), "ARGON2_MEMLIMIT", "8191"), "ARGON2_MEMLIMIT",
              "Too small: expected number to be >=8192");
  check_issue(with(valid_env(), "ARGON2_MEMLIMIT", "4398046510081"), "ARGON2_MEMLIMIT",
              "Too big: expected number to be <=4398046510080");
  check_issue(with(valid_env(), "PASSWORD_HASH_CONCURRENCY", "0"), "PASSWORD_HASH_CONCURRENCY",
              "Too small: expected number to be >=1");
}

TEST_CASE("server config: every problem is reported at once, in variable order",
          "[server-config]") {
  Env env;
  env["REDIS_URL"] = "rediss://:pw@cache";
  env["BCRYPT_ROUNDS"] = "20";
  env["NODE_ENV"] = "staging";
  env["PORT"] = "abc";
  env["ACCESS_TOKEN_SECRET"] = "too-short";
  env["ACCESS_TOKEN_EXPIRES_IN"] = "15 minutes";
  env["DOCS_ENABLED"] = "maybe";
  env["REFRESH_TOKEN_SECRET"] = "too-short";
  env["PASSWORD_HASH_CONCURRENCY"] = "0";
  const auto error = load_error(env);
  CHECK(error.message ==
        "Invalid environment configuration: "
        "NODE_ENV: Invalid option: expected one of \"development\"|\"test\"|\"production\"; "
        "PORT: Invalid input: expected number, received NaN; "
        "ACCESS_TOKEN_SECRET: ACCESS_TOKEN_SECRET must have at least 32 characters; "
        "REFRESH_TOKEN_SECRET: REFRESH_TOKEN_SECRET must have at least 32 characters; "
        "ACCESS_TOKEN_EXPIRES_IN: must use a supported duration format such as 15m, 7d, 60s, or "
        "1000; "
        "REDIS_URL: rediss:// (TLS) is not supported: Debian 12's hiredis is built without TLS "
        "support; use redis://; "
        "DOCS_ENABLED: Invalid input: expected boolean, received string; "
        "BCRYPT_ROUNDS: Too big: expected number to be <=15; "
        "PASSWORD_HASH_CONCURRENCY: Too small: expected number to be >=1; "
        "REFRESH_TOKEN_SECRET: REFRESH_TOKEN_SECRET must differ from ACCESS_TOKEN_SECRET");
  REQUIRE(error.details.size() == 10);
  CHECK(error.details.front() ==
        ErrorDetail{"NODE_ENV",
                    R"(Invalid option: expected one of "development"|"test"|"production")"});
  CHECK(error.details.back() ==
        ErrorDetail{"REFRESH_TOKEN_SECRET",
                    "REFRESH_TOKEN_SECRET must differ from ACCESS_TOKEN_SECRET"});
  CHECK_FALSE(mentions(error, "too-short"));
}

TEST_CASE("server config: from_env() reads the process environment", "[server-config]") {
  // Distinct values, set here so the test does not depend on the runner's environment.
  REQUIRE(::setenv("ACCESS_TOKEN_SECRET", "process-env-access-secret-0123456789", 1) == 0);
  REQUIRE(::setenv("REFRESH_TOKEN_SECRET", "process-env-refresh-secret-0123456789", 1) == 0);
  REQUIRE(::setenv("JWT_ISSUER", "from-the-environment", 1) == 0);
  auto config = Config::from_env();
  ::unsetenv("ACCESS_TOKEN_SECRET");
  ::unsetenv("REFRESH_TOKEN_SECRET");
  ::unsetenv("JWT_ISSUER");
  REQUIRE(config.ok());
  CHECK(config->access_token_secret == "process-env-access-secret-0123456789");
  CHECK(config->jwt_issuer == "from-the-environment");
}

TEST_CASE(
    "server config: session lifetime, reuse grace, audit e-mails, login throttling, retention",
    "[server-config]") {
  const Loaded defaults = load_ok(valid_env());
  CHECK(defaults.session_max_age == std::chrono::days(30));
  CHECK(defaults.refresh_reuse_grace == Duration(0));
  CHECK_FALSE(defaults.audit_log_emails);
  CHECK(defaults.login_max_failures_per_account == 10);
  CHECK(defaults.login_failure_window == std::chrono::minutes(15));
  CHECK(defaults.purge_retention == std::chrono::days(30));

  Env env = valid_env();
  env["SESSION_MAX_AGE"] = "12h";
  env["REFRESH_REUSE_GRACE_MS"] = "2500";
  env["AUDIT_LOG_EMAILS"] = "yes";
  env["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = "3";
  env["LOGIN_FAILURE_WINDOW_MS"] = "60000";
  env["PURGE_RETENTION"] = "0";
  const Loaded set = load_ok(env);
  CHECK(set.session_max_age == std::chrono::hours(12));
  CHECK(set.refresh_reuse_grace == Duration(2500));
  CHECK(set.audit_log_emails);
  CHECK(set.login_max_failures_per_account == 3);
  CHECK(set.login_failure_window == Duration(60000));
  CHECK(set.purge_retention == Duration(0));

  check_issue(with(valid_env(), "SESSION_MAX_AGE", "30 days"), "SESSION_MAX_AGE",
              "must use a supported duration format such as 15m, 7d, 60s, or 1000");
  check_issue(with(valid_env(), "REFRESH_REUSE_GRACE_MS", "-1"), "REFRESH_REUSE_GRACE_MS",
              "Too small: expected number to be >=0");
  check_issue(with(valid_env(), "AUDIT_LOG_EMAILS", "maybe"), "AUDIT_LOG_EMAILS",
              "Invalid input: expected boolean, received string");
  check_issue(with(valid_env(), "LOGIN_MAX_FAILURES_PER_ACCOUNT", "0"),
              "LOGIN_MAX_FAILURES_PER_ACCOUNT", "Too small: expected number to be >0");
  check_issue(with(valid_env(), "LOGIN_FAILURE_WINDOW_MS", "1.5"), "LOGIN_FAILURE_WINDOW_MS",
              "Invalid input: expected int, received number");
  check_issue(with(valid_env(), "PURGE_RETENTION", "1w"), "PURGE_RETENTION",
              "must use a supported duration format such as 15m, 7d, 60s, or 1000");
}

TEST_CASE("server config: the reference server's HTTP settings", "[server-config]") {
  const Loaded defaults = load_ok(valid_env());
  CHECK(defaults.http_threads == authkit::server::default_http_threads());
  CHECK(defaults.http_threads >= 8);
  CHECK(defaults.http_keep_alive_max == 100);
  CHECK(defaults.http_read_timeout == std::chrono::seconds(5));
  CHECK(defaults.http_write_timeout == std::chrono::seconds(5));
  CHECK(defaults.shutdown_timeout == std::chrono::seconds(10));

  Env env = valid_env();
  env["HTTP_THREADS"] = "3";
  env["HTTP_KEEP_ALIVE_MAX"] = "1000";
  env["HTTP_READ_TIMEOUT_MS"] = "250";
  env["HTTP_WRITE_TIMEOUT_MS"] = "1500";
  env["SHUTDOWN_TIMEOUT_MS"] = "0";
  const Loaded set = load_ok(env);
  CHECK(set.http_threads == 3);
  CHECK(set.http_keep_alive_max == 1000);
  CHECK(set.http_read_timeout == Duration(250));
  CHECK(set.http_write_timeout == Duration(1500));
  CHECK(set.shutdown_timeout == Duration(0));

  check_issue(with(valid_env(), "HTTP_THREADS", "0"), "HTTP_THREADS",
              "Too small: expected number to be >=1");
  check_issue(with(valid_env(), "HTTP_THREADS", "5000"), "HTTP_THREADS",
              "Too big: expected number to be <=4096");
  check_issue(with(valid_env(), "HTTP_KEEP_ALIVE_MAX", "many"), "HTTP_KEEP_ALIVE_MAX",
              "Invalid input: expected number, received NaN");
  check_issue(with(valid_env(), "HTTP_READ_TIMEOUT_MS", "0"), "HTTP_READ_TIMEOUT_MS",
              "Too small: expected number to be >0");
  check_issue(with(valid_env(), "HTTP_WRITE_TIMEOUT_MS", "1.5"), "HTTP_WRITE_TIMEOUT_MS",
              "Invalid input: expected int, received number");
  check_issue(with(valid_env(), "SHUTDOWN_TIMEOUT_MS", "-1"), "SHUTDOWN_TIMEOUT_MS",
              "Too small: expected number to be >=0");
}

TEST_CASE("server config: the server's thread ceiling and request deadlines", "[server-config]") {
  const Loaded defaults = load_ok(valid_env());
  CHECK(defaults.http_max_threads == std::max<std::size_t>(256, defaults.http_threads));
  CHECK(defaults.http_headers_timeout == std::chrono::seconds(10));
  CHECK(defaults.http_request_timeout == std::chrono::seconds(30));

  Env env = valid_env();
  env["HTTP_THREADS"] = "4";
  env["HTTP_MAX_THREADS"] = "4";
  env["HTTP_HEADERS_TIMEOUT_MS"] = "2000";
  env["HTTP_REQUEST_TIMEOUT_MS"] = "2000";
  const Loaded set = load_ok(env);
  CHECK(set.http_max_threads == 4);
  CHECK(set.http_headers_timeout == Duration(2000));
  CHECK(set.http_request_timeout == Duration(2000));
  // Without HTTP_MAX_THREADS the ceiling follows a floor set above 256.
  CHECK(load_ok(with(valid_env(), "HTTP_THREADS", "300")).http_max_threads == 300);

  check_issue(with(with(valid_env(), "HTTP_THREADS", "16"), "HTTP_MAX_THREADS", "8"),
              "HTTP_MAX_THREADS", "HTTP_MAX_THREADS must be at least HTTP_THREADS (16)");
  check_issue(with(valid_env(), "HTTP_MAX_THREADS", "0"), "HTTP_MAX_THREADS",
              "Too small: expected number to be >=1");
  check_issue(with(valid_env(), "HTTP_MAX_THREADS", "4097"), "HTTP_MAX_THREADS",
              "Too big: expected number to be <=4096");
  check_issue(with(valid_env(), "HTTP_HEADERS_TIMEOUT_MS", "0"), "HTTP_HEADERS_TIMEOUT_MS",
              "Too small: expected number to be >0");
  check_issue(with(valid_env(), "HTTP_REQUEST_TIMEOUT_MS", "soon"), "HTTP_REQUEST_TIMEOUT_MS",
              "Invalid input: expected number, received NaN");
  check_issue(with(valid_env(), "HTTP_REQUEST_TIMEOUT_MS", "5000"), "HTTP_REQUEST_TIMEOUT_MS",
              "HTTP_REQUEST_TIMEOUT_MS must be at least HTTP_HEADERS_TIMEOUT_MS (10000)");
}

TEST_CASE("server config: MIGRATE_ON_START", "[server-config]") {
  CHECK(load_ok(valid_env()).migrate_on_start);
  CHECK_FALSE(load_ok(with(valid_env(), "MIGRATE_ON_START", " Off ")).migrate_on_start);
  CHECK(load_ok(with(valid_env(), "MIGRATE_ON_START", "1")).migrate_on_start);
  check_issue(with(valid_env(), "MIGRATE_ON_START", "later"), "MIGRATE_ON_START",
              "Invalid input: expected boolean, received string");
}

TEST_CASE("server config: DATABASE_POOL_SIZE", "[server-config]") {
  CHECK(load_ok(valid_env()).database_pool_size == 8);
  CHECK(load_ok(with(valid_env(), "DATABASE_POOL_SIZE", "32")).database_pool_size == 32);
  check_issue(with(valid_env(), "DATABASE_POOL_SIZE", "0"), "DATABASE_POOL_SIZE",
              "Too small: expected number to be >=1");
  check_issue(with(valid_env(), "DATABASE_POOL_SIZE", "1001"), "DATABASE_POOL_SIZE",
              "Too big: expected number to be <=1000");
}

TEST_CASE("server config: DATABASE_READ_COALESCING", "[server-config]") {
  CHECK(load_ok(valid_env()).database_read_coalescing);
  CHECK_FALSE(
      load_ok(with(valid_env(), "DATABASE_READ_COALESCING", " off ")).database_read_coalescing);
  CHECK(load_ok(with(valid_env(), "DATABASE_READ_COALESCING", "true")).database_read_coalescing);
  check_issue(with(valid_env(), "DATABASE_READ_COALESCING", "sometimes"),
              "DATABASE_READ_COALESCING", "Invalid input: expected boolean, received string");
  check_issue(with(valid_env(), "DATABASE_READ_COALESCING", ""), "DATABASE_READ_COALESCING",
              "Invalid input: expected boolean, received string");
}

TEST_CASE("server config: DATABASE_READ_COALESCING_PATIENCE_MS", "[server-config]") {
  constexpr auto kName = "DATABASE_READ_COALESCING_PATIENCE_MS";
  CHECK(load_ok(valid_env()).database_read_coalescing_patience == Duration(2));
  CHECK(load_ok(with(valid_env(), kName, "0")).database_read_coalescing_patience == Duration(0));
  CHECK(load_ok(with(valid_env(), kName, " 25 ")).database_read_coalescing_patience ==
        Duration(25));
  CHECK(load_ok(with(valid_env(), kName, "1000")).database_read_coalescing_patience ==
        Duration(1000));
  // Read whether coalescing is on or off, so that switching it back on needs no other change.
  const Loaded off =
      load_ok(with(with(valid_env(), "DATABASE_READ_COALESCING", "false"), kName, "7"));
  CHECK_FALSE(off.database_read_coalescing);
  CHECK(off.database_read_coalescing_patience == Duration(7));

  check_issue(with(valid_env(), kName, "-1"), kName, "Too small: expected number to be >=0");
  check_issue(with(valid_env(), kName, "1001"), kName, "Too big: expected number to be <=1000");
  check_issue(with(valid_env(), kName, "0.5"), kName,
              "Invalid input: expected int, received number");
  check_issue(with(valid_env(), kName, "2ms"), kName,
              "Invalid input: expected number, received NaN");
}

TEST_CASE("server config: RATE_LIMIT_IPV6_PREFIX", "[server-config]") {
  CHECK(load_ok(valid_env()).rate_limit_ipv6_prefix == 64);
  CHECK(load_ok(with(valid_env(), "RATE_LIMIT_IPV6_PREFIX", "56")).rate_limit_ipv6_prefix == 56);
  CHECK(load_ok(with(valid_env(), "RATE_LIMIT_IPV6_PREFIX", " 128 ")).rate_limit_ipv6_prefix ==
        128);
  CHECK(load_ok(with(valid_env(), "RATE_LIMIT_IPV6_PREFIX", "1")).rate_limit_ipv6_prefix == 1);
  check_issue(with(valid_env(), "RATE_LIMIT_IPV6_PREFIX", "0"), "RATE_LIMIT_IPV6_PREFIX",
              "Too small: expected number to be >=1");
  check_issue(with(valid_env(), "RATE_LIMIT_IPV6_PREFIX", "129"), "RATE_LIMIT_IPV6_PREFIX",
              "Too big: expected number to be <=128");
  check_issue(with(valid_env(), "RATE_LIMIT_IPV6_PREFIX", "/64"), "RATE_LIMIT_IPV6_PREFIX",
              "Invalid input: expected number, received NaN");
  check_issue(with(valid_env(), "RATE_LIMIT_IPV6_PREFIX", "64.5"), "RATE_LIMIT_IPV6_PREFIX",
              "Invalid input: expected int, received number");
}

TEST_CASE("server config: PURGE_INTERVAL", "[server-config]") {
  CHECK(load_ok(valid_env()).purge_interval == std::chrono::hours(1));
  CHECK(load_ok(with(valid_env(), "PURGE_INTERVAL", "0")).purge_interval == Duration(0));
  CHECK(load_ok(with(valid_env(), "PURGE_INTERVAL", " 15m ")).purge_interval ==
        std::chrono::minutes(15));
  check_issue(with(valid_env(), "PURGE_INTERVAL", "hourly"), "PURGE_INTERVAL",
              "must use a supported duration format such as 15m, 7d, 60s, or 1000");
}

TEST_CASE("server config: the session and throttling variables sort before cross-field rules",
          "[server-config]") {
  Env env = with(valid_env(), "REFRESH_TOKEN_SECRET", kAccessSecret);  // a cross-field issue
  env["PURGE_RETENTION"] = "soon";
  env["SESSION_MAX_AGE"] = "forever";
  const auto error = load_error(env);
  REQUIRE(error.details.size() == 3);
  CHECK(error.details[0].path == "SESSION_MAX_AGE");
  CHECK(error.details[1].path == "PURGE_RETENTION");
  CHECK(error.details[2].message == "REFRESH_TOKEN_SECRET must differ from ACCESS_TOKEN_SECRET");
}

TEST_CASE("server config: the password-hashing queue's settings", "[server-config]") {
  const Loaded defaults = load_ok(valid_env());
  const std::size_t concurrency = authkit::default_password_hash_concurrency();
  CHECK_FALSE(defaults.password_hash_queue_max.has_value());
  CHECK(defaults.effective_password_hash_queue_max() == 8 * concurrency);
  CHECK(authkit::default_password_hash_queue_max(concurrency) == 8 * concurrency);
  CHECK(defaults.effective_password_hash_queue_max_per_client() == 4 * concurrency);
  CHECK(defaults.password_hash_queue_timeout == std::chrono::seconds(10));
  // A default-constructed Config says the same as an empty environment.
  const Loaded constructed;
  CHECK(constructed.effective_password_hash_queue_max() == 8 * concurrency);
  CHECK(constructed.password_hash_queue_timeout == defaults.password_hash_queue_timeout);
  CHECK(constructed.http_threads == defaults.http_threads);

  // The defaults follow the concurrency: 8 x it, half of that per client (rounded up).
  const Loaded three = load_ok(with(valid_env(), "PASSWORD_HASH_CONCURRENCY", "3"));
  CHECK(three.effective_password_hash_queue_max() == 24);
  CHECK(three.effective_password_hash_queue_max_per_client() == 12);

  Env env = valid_env();
  env["PASSWORD_HASH_QUEUE_MAX"] = "7";
  env["PASSWORD_HASH_QUEUE_TIMEOUT_MS"] = "250";
  const Loaded seven = load_ok(env);
  CHECK(seven.password_hash_queue_max == std::size_t{7});
  CHECK(seven.effective_password_hash_queue_max_per_client() == 4);
  CHECK(seven.password_hash_queue_timeout == Duration(250));
  env["PASSWORD_HASH_QUEUE_MAX_PER_CLIENT"] = "7";
  CHECK(load_ok(env).effective_password_hash_queue_max_per_client() == 7);
  // 0: nobody waits (the old fail-fast behaviour); still one place counted per client.
  const Loaded none = load_ok(with(valid_env(), "PASSWORD_HASH_QUEUE_MAX", "0"));
  CHECK(none.effective_password_hash_queue_max() == 0);
  CHECK(none.effective_password_hash_queue_max_per_client() == 1);

  check_issue(with(valid_env(), "PASSWORD_HASH_QUEUE_MAX", "-1"), "PASSWORD_HASH_QUEUE_MAX",
              "Too small: expected number to be >=0");
  check_issue(with(valid_env(), "PASSWORD_HASH_QUEUE_MAX", "4097"), "PASSWORD_HASH_QUEUE_MAX",
              "Too big: expected number to be <=4096");
  check_issue(with(valid_env(), "PASSWORD_HASH_QUEUE_MAX", "lots"), "PASSWORD_HASH_QUEUE_MAX",
              "Invalid input: expected number, received NaN");
  check_issue(with(valid_env(), "PASSWORD_HASH_QUEUE_MAX_PER_CLIENT", "0"),
              "PASSWORD_HASH_QUEUE_MAX_PER_CLIENT", "Too small: expected number to be >=1");
  check_issue(with(valid_env(), "PASSWORD_HASH_QUEUE_MAX_PER_CLIENT", "2.5"),
              "PASSWORD_HASH_QUEUE_MAX_PER_CLIENT", "Invalid input: expected int, received number");
  check_issue(with(valid_env(), "PASSWORD_HASH_QUEUE_TIMEOUT_MS", "0"),
              "PASSWORD_HASH_QUEUE_TIMEOUT_MS", "Too small: expected number to be >0");
  check_issue(with(valid_env(), "PASSWORD_HASH_QUEUE_TIMEOUT_MS", "600001"),
              "PASSWORD_HASH_QUEUE_TIMEOUT_MS", "Too big: expected number to be <=600000");
}

TEST_CASE("server config: unset HTTP_THREADS leaves room for every hashing and queued login",
          "[server-config]") {
  Env env = valid_env();
  env["PASSWORD_HASH_CONCURRENCY"] = "3";
  env["PASSWORD_HASH_QUEUE_MAX"] = "10";
  const Loaded sized = load_ok(env);
  const std::size_t besides =
      authkit::server::default_http_threads() - authkit::default_password_hash_concurrency() -
      authkit::default_password_hash_queue_max(authkit::default_password_hash_concurrency());
  CHECK(besides >= 8);
  CHECK(sized.http_threads == besides + 3 + 10);
  // Set explicitly, it is what it says.
  env["HTTP_THREADS"] = "5";
  CHECK(load_ok(env).http_threads == 5);
}

TEST_CASE("server config: production metrics need a token or an explicit opt-out",
          "[server-config]") {
  Env env = valid_env();
  env["NODE_ENV"] = "production";
  env["METRICS_ENABLED"] = "true";
  const auto refused = only_issue(env);
  CHECK(refused.path == "METRICS_AUTH_TOKEN");
  CHECK(refused.message.find("METRICS_AUTH_TOKEN is required when NODE_ENV is production") == 0);
  CHECK(refused.message.find("METRICS_ALLOW_UNAUTHENTICATED=true") != std::string::npos);
  // A blank token is no token.
  CHECK(only_issue(with(env, "METRICS_AUTH_TOKEN", "   ")).path == "METRICS_AUTH_TOKEN");
  CHECK(only_issue(with(env, "METRICS_ALLOW_UNAUTHENTICATED", "false")).path ==
        "METRICS_AUTH_TOKEN");

  CHECK(load_ok(with(env, "METRICS_AUTH_TOKEN", "0123456789abcdef")).metrics_auth_token);
  const Loaded opted_out = load_ok(with(env, "METRICS_ALLOW_UNAUTHENTICATED", "true"));
  CHECK(opted_out.metrics_allow_unauthenticated);
  CHECK_FALSE(opted_out.metrics_auth_token);
  CHECK(load_ok(with(env, "METRICS_ENABLED", "false")).node_env == NodeEnv::kProduction);
  CHECK(load_ok(with(env, "NODE_ENV", "development")).metrics_enabled);
  CHECK_FALSE(load_ok(valid_env()).metrics_allow_unauthenticated);

  const auto bad = load_error(with(env, "METRICS_ALLOW_UNAUTHENTICATED", "maybe"));
  REQUIRE(bad.details.size() == 2);
  CHECK(bad.details[0] == ErrorDetail{"METRICS_ALLOW_UNAUTHENTICATED",
                                      "Invalid input: expected boolean, received string"});
  CHECK(bad.details[1].path == "METRICS_AUTH_TOKEN");
}

TEST_CASE("server config: the server's table reads exactly the catalogue's server names",
          "[server-config]") {
  std::vector<std::string_view> catalogued;
  for (const auto& info : authkit::setting_catalogue()) {
    if (info.scope == authkit::SettingScope::kServer) catalogued.push_back(info.name);
  }
  CHECK(authkit::server::server_setting_names() == catalogued);
}

TEST_CASE("server config: the library's part is what Config::from_env reads", "[server-config]") {
  Env env = valid_env();
  env["JWT_ISSUER"] = "issuer";
  env["PORT"] = "8080";
  env["PASSWORD_HASH_CONCURRENCY"] = "3";
  const auto server = load(env);
  const auto library =
      Config::from_env([&env](std::string_view name) -> std::optional<std::string> {
        const auto found = env.find(name);
        if (found == env.end()) return std::nullopt;
        return found->second;
      });
  REQUIRE(server.ok());
  REQUIRE(library.ok());
  CHECK(server->library.jwt_issuer == library->jwt_issuer);
  CHECK(server->library.password_hash_concurrency == 3);
  CHECK(server->port == 8080);
}

TEST_CASE("server config: docs/configuration.md documents every catalogued name",
          "[server-config]") {
  std::ifstream file(AUTHKIT_CONFIGURATION_DOC);
  REQUIRE(file);
  const std::string doc((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  for (const auto& info : authkit::setting_catalogue()) {
    CAPTURE(info.name);
    CHECK(doc.find("| `" + std::string(info.name) + "` |") != std::string::npos);
  }
}
