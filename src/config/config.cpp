// Config::from_env: reads and checks every variable, reporting all problems at once.
#include "authkit/config.hpp"

#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "authkit/crypto.hpp"
#include "base/text.hpp"
#include "js/js_number.hpp"
#include "js/js_string.hpp"

namespace authkit {
inline namespace v1 {
namespace {

using detail::js_length;
using detail::js_string_to_number;
using detail::js_trim;

// Issues are reported in this order (the original's schema order, then libauthkit's own
// variables), whatever order the checks run in.
constexpr std::string_view kVariables[] = {
    "NODE_ENV",
    "PORT",
    "DATABASE_URL",
    "ACCESS_TOKEN_SECRET",
    "REFRESH_TOKEN_SECRET",
    "ACCESS_TOKEN_EXPIRES_IN",
    "REFRESH_TOKEN_EXPIRES_IN",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "REDIS_URL",
    "RATE_LIMIT_WINDOW_MS",
    "RATE_LIMIT_MAX_REQUESTS",
    "LOG_LEVEL",
    "TRUST_PROXY",
    "DOCS_ENABLED",
    "METRICS_ENABLED",
    "METRICS_AUTH_TOKEN",
    "BCRYPT_ROUNDS",
    "ACCESS_TOKEN_ALGORITHM",
    "ACCESS_TOKEN_PRIVATE_KEY_FILE",
    "ACCESS_TOKEN_KEY_ID",
    "REFRESH_TOKEN_ALGORITHM",
    "REFRESH_TOKEN_KEY_ID",
    "JWT_LEEWAY_SECONDS",
    "PASSWORD_HASH_ALGORITHM",
    "ARGON2_OPSLIMIT",
    "ARGON2_MEMLIMIT",
    "PASSWORD_HASH_CONCURRENCY",
    "PASSWORD_HASH_QUEUE_MAX",
    "PASSWORD_HASH_QUEUE_MAX_PER_CLIENT",
    "PASSWORD_HASH_QUEUE_TIMEOUT_MS",
    "SESSION_MAX_AGE",
    "REFRESH_REUSE_GRACE_MS",
    "AUDIT_LOG_EMAILS",
    "LOGIN_MAX_FAILURES_PER_ACCOUNT",
    "LOGIN_FAILURE_WINDOW_MS",
    "RATE_LIMIT_IPV6_PREFIX",
    "PURGE_RETENTION",
    "HTTP_THREADS",
    "HTTP_MAX_THREADS",
    "HTTP_KEEP_ALIVE_MAX",
    "HTTP_READ_TIMEOUT_MS",
    "HTTP_WRITE_TIMEOUT_MS",
    "HTTP_HEADERS_TIMEOUT_MS",
    "HTTP_REQUEST_TIMEOUT_MS",
    "SHUTDOWN_TIMEOUT_MS",
    "PURGE_INTERVAL",
    "MIGRATE_ON_START",
    "DATABASE_POOL_SIZE",
    "DATABASE_READ_COALESCING",
    "DATABASE_READ_COALESCING_PATIENCE_MS",
    "METRICS_ALLOW_UNAUTHENTICATED",
};
// Rules that relate two variables come after every single-variable issue.
constexpr std::size_t kCrossFieldOrder = std::size(kVariables);

constexpr std::string_view kUndefined = "Invalid input: expected string, received undefined";
constexpr double kMaxSafeInteger = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER
constexpr std::size_t kMaxKeyFileBytes = std::size_t{1024} * 1024;

// A lower bound of a number rule: `> value` or, inclusive, `>= value`.
struct Lower {
  double value;
  bool inclusive;
};

// The integers in the messages are small enough to print exactly through int64.
std::string integer_text(double value) { return std::to_string(static_cast<std::int64_t>(value)); }

bool is_hmac(std::string_view algorithm) {
  return algorithm == "HS256" || algorithm == "HS384" || algorithm == "HS512";
}

// Collects the issues of one from_env() call. Every message is built from fixed text and the
// variable's name, never from its value, so no secret can leak through it.
class Reader {
 public:
  explicit Reader(const EnvLookup& lookup) : lookup_(lookup) {}

  std::optional<std::string> get(std::string_view name) const { return lookup_(name); }

  void issue(std::string_view name, std::string message, std::size_t order) {
    issues_.emplace_back(order, ErrorDetail{std::string(name), std::move(message)});
  }
  void issue(std::string_view name, std::string message) {
    const auto* found = std::find(std::begin(kVariables), std::end(kVariables), name);
    issue(name, std::move(message), static_cast<std::size_t>(found - std::begin(kVariables)));
  }

  // A zod enum: the value must be one of `options`, exactly (no trimming, as the original).
  template <class T>
  std::optional<T> enumeration(std::string_view name,
                               std::initializer_list<std::pair<std::string_view, T>> options) {
    const auto raw = get(name);
    if (!raw) return std::nullopt;
    for (const auto& [spelling, value] : options) {
      if (*raw == spelling) return value;
    }
    std::string message = "Invalid option: expected one of ";
    bool first = true;
    for (const auto& option : options) {
      if (!first) message += '|';
      message += '"';
      message += option.first;
      message += '"';
      first = false;
    }
    issue(name, std::move(message));
    return std::nullopt;
  }

  // z.coerce.number().int() and bounds: JavaScript Number() coercion, then zod's checks in
  // zod's order and words. `fallback` when unset (or, the result being discarded, invalid).
  std::int64_t integer(std::string_view name, std::int64_t fallback, Lower lower,
                       std::optional<double> upper = std::nullopt) {
    const auto raw = get(name);
    if (!raw) return fallback;
    const double value = js_string_to_number(*raw);
    if (std::isnan(value)) {
      issue(name, "Invalid input: expected number, received NaN");
      return fallback;
    }
    if (std::isinf(value)) {
      issue(name, "Invalid input: expected number, received Infinity");
      return fallback;
    }
    if (std::trunc(value) != value) {
      // zod stops at a non-integer: no bound check follows it.
      issue(name, "Invalid input: expected int, received number");
      return fallback;
    }
    bool ok = true;
    if (std::fabs(value) > kMaxSafeInteger) {
      issue(name, value > 0 ? "Too big: expected int to be <=9007199254740991"
                            : "Too small: expected int to be >=-9007199254740991");
      ok = false;
    }
    if (lower.inclusive ? !(value >= lower.value) : !(value > lower.value)) {
      issue(name, std::string("Too small: expected number to be ") +
                      (lower.inclusive ? ">=" : ">") + integer_text(lower.value));
      ok = false;
    }
    if (upper && value > *upper) {
      issue(name, "Too big: expected number to be <=" + integer_text(*upper));
      ok = false;
    }
    return ok ? static_cast<std::int64_t>(value) : fallback;
  }

  // The original's boolean: trimmed, case-insensitive 1/true/yes/on or 0/false/no/off.
  bool boolean(std::string_view name, bool fallback) {
    const auto raw = get(name);
    if (!raw) return fallback;
    const std::string folded = text::ascii_lower(js_trim(*raw));
    if (folded == "1" || folded == "true" || folded == "yes" || folded == "on") return true;
    if (folded == "0" || folded == "false" || folded == "no" || folded == "off") return false;
    issue(name, "Invalid input: expected boolean, received string");
    return fallback;
  }

  // A trimmed string of at least one character.
  std::string nonempty(std::string_view name, std::string fallback) {
    const auto raw = get(name);
    if (!raw) return fallback;
    const auto trimmed = js_trim(*raw);
    if (trimmed.empty()) {
      issue(name, "Too small: expected string to have >=1 characters");
      return fallback;
    }
    return std::string(trimmed);
  }

  // A trimmed optional string: unset, empty or white space all mean "not set".
  std::optional<std::string> optional_text(std::string_view name) const {
    const auto raw = get(name);
    if (!raw) return std::nullopt;
    const auto trimmed = js_trim(*raw);
    if (trimmed.empty()) return std::nullopt;
    return std::string(trimmed);
  }

  Duration duration(std::string_view name, Duration fallback) {
    const auto raw = get(name);
    if (!raw) return fallback;
    auto parsed = parse_duration(js_trim(*raw));
    if (!parsed) {
      issue(name, parsed.error().message);
      return fallback;
    }
    return *parsed;
  }

  // An HMAC secret: trimmed (the trimmed text is the key), long enough, and not a PEM key.
  std::optional<std::string> secret(std::string_view name, bool required, std::size_t min_length,
                                    std::string_view for_algorithm) {
    const auto raw = get(name);
    if (!raw) {
      if (required) issue(name, std::string(kUndefined));
      return std::nullopt;
    }
    const auto trimmed = js_trim(*raw);
    if (js_length(trimmed) < min_length) {
      std::string message =
          std::string(name) + " must have at least " + std::to_string(min_length) + " characters";
      if (!for_algorithm.empty()) message += " for " + std::string(for_algorithm);
      issue(name, std::move(message));
    }
    if (trimmed.find("-----BEGIN") != std::string_view::npos) {
      // Algorithm confusion: a PEM key used as an HMAC secret lets anyone who holds the
      // (public) key forge tokens.
      issue(name, std::string(name) +
                      " looks like a PEM key (-----BEGIN): it must be a random shared secret, "
                      "never a public or private key");
    }
    return std::string(trimmed);
  }

  Result<void> result() && {
    if (issues_.empty()) return {};
    std::stable_sort(issues_.begin(), issues_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    Error error(ErrorCode::kInvalidConfiguration);
    error.message = "Invalid environment configuration: ";
    for (std::size_t i = 0; i < issues_.size(); ++i) {
      if (i > 0) error.message += "; ";
      error.message += issues_[i].second.path + ": " + issues_[i].second.message;
      error.details.push_back(std::move(issues_[i].second));
    }
    return error;
  }

 private:
  const EnvLookup& lookup_;
  std::vector<std::pair<std::size_t, ErrorDetail>> issues_;
};

void check_database_url(Reader& reader, Config& config) {
  constexpr std::string_view kName = "DATABASE_URL";
  const auto raw = reader.get(kName);
  if (!raw) return;  // a deliberate difference: the original requires it
  const std::string_view url = js_trim(*raw);
  if (url.empty()) {
    reader.issue(kName, "DATABASE_URL is required");
    return;
  }
  // The messages never quote the URL: a PostgreSQL URL may carry a password.
  if (url.starts_with("sqlite://")) {
    if (url.size() == std::string_view("sqlite://").size()) {
      reader.issue(kName,
                   "DATABASE_URL must give a file path after sqlite://, as in "
                   "sqlite://authkit.db or sqlite:///var/lib/authkit/auth.db");
      return;
    }
  } else if (url != "sqlite::memory:" && !url.starts_with("postgresql://") &&
             !url.starts_with("postgres://")) {
    reader.issue(kName,
                 "DATABASE_URL must be sqlite://PATH, sqlite::memory:, postgresql://... or "
                 "postgres://...");
    return;
  }
  config.database_url = std::string(url);
}

void check_redis_url(Reader& reader, Config& config) {
  auto url = reader.optional_text("REDIS_URL");  // blank means "no Redis", as the original
  if (!url) return;
  auto parsed = parse_redis_url(*url);
  if (!parsed) {
    reader.issue("REDIS_URL", parsed.error().message);
    return;
  }
  config.redis_url = std::move(url);
}

struct FileCloser {
  // A failed close of a file only read loses nothing.
  void operator()(std::FILE* file) const noexcept { static_cast<void>(std::fclose(file)); }
};

// The file's contents, or an issue naming the variable and the path (never the contents).
void read_private_key(Reader& reader, Config& config, const std::string& path) {
  constexpr std::string_view kName = "ACCESS_TOKEN_PRIVATE_KEY_FILE";
  const auto cannot_read = [&](int error_number) {
    reader.issue(kName, "ACCESS_TOKEN_PRIVATE_KEY_FILE: cannot read \"" + path +
                            "\": " + std::generic_category().message(error_number));
  };
  errno = 0;
  const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    cannot_read(errno);
    return;
  }
  std::string contents;
  char buffer[4096];
  while (contents.size() <= kMaxKeyFileBytes) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
    contents.append(buffer, got);
    if (got < sizeof buffer) break;
  }
  const bool unreadable = std::ferror(file.get()) != 0;
  const int read_errno = errno;
  // The key is a secret: the read buffer is wiped whatever happens next.
  sodium_memzero(buffer, sizeof buffer);
  if (unreadable) {
    cannot_read(read_errno != 0 ? read_errno : EIO);
  } else if (contents.size() > kMaxKeyFileBytes) {
    reader.issue(kName, "ACCESS_TOKEN_PRIVATE_KEY_FILE: \"" + path + "\" is larger than 1 MiB");
  } else if (contents.find("-----BEGIN") == std::string::npos ||
             contents.find("PRIVATE KEY-----") == std::string::npos) {
    reader.issue(kName,
                 "ACCESS_TOKEN_PRIVATE_KEY_FILE: \"" + path + "\" does not hold a PEM private key");
  } else {
    config.access_token_private_key_pem = std::move(contents);
    return;
  }
  // Refused contents may still be key material: wipe them too.
  sodium_memzero(contents.data(), contents.size());
}

void check_token_keys(Reader& reader, Config& config) {
  if (auto algorithm =
          reader.enumeration<std::string_view>("ACCESS_TOKEN_ALGORITHM", {{"HS256", "HS256"},
                                                                          {"HS384", "HS384"},
                                                                          {"HS512", "HS512"},
                                                                          {"RS256", "RS256"},
                                                                          {"ES256", "ES256"},
                                                                          {"EdDSA", "EdDSA"}})) {
    config.access_token_algorithm = std::string(*algorithm);
  }
  const std::string& algorithm = config.access_token_algorithm;
  const bool valid_algorithm =
      !reader.get("ACCESS_TOKEN_ALGORITHM") || *reader.get("ACCESS_TOKEN_ALGORITHM") == algorithm;

  // RFC 7518 section 3.2: an HMAC key at least as long as the hash.
  const std::size_t min_secret = algorithm == "HS512" ? 64 : algorithm == "HS384" ? 48 : 32;
  const bool hmac = is_hmac(algorithm);
  auto access = reader.secret("ACCESS_TOKEN_SECRET", hmac || !valid_algorithm, min_secret,
                              algorithm == "HS256" ? "" : algorithm);
  auto refresh = reader.secret("REFRESH_TOKEN_SECRET", true, 32, "");
  if (access && refresh && !refresh->empty() && crypto::constant_time_equal(*access, *refresh)) {
    // The original accepts identical secrets (docs/compatibility.md#distinct-secrets); only `typ`
    // would then tell the kinds apart.
    reader.issue("REFRESH_TOKEN_SECRET",
                 "REFRESH_TOKEN_SECRET must differ from ACCESS_TOKEN_SECRET", kCrossFieldOrder);
  }
  if (access) config.access_token_secret = std::move(*access);
  if (refresh) config.refresh_token_secret = std::move(*refresh);

  config.access_token_private_key_file = reader.optional_text("ACCESS_TOKEN_PRIVATE_KEY_FILE");
  if (valid_algorithm && !hmac && !config.access_token_private_key_file) {
    reader.issue(
        "ACCESS_TOKEN_PRIVATE_KEY_FILE",
        "ACCESS_TOKEN_PRIVATE_KEY_FILE is required when ACCESS_TOKEN_ALGORITHM is " + algorithm);
  } else if (valid_algorithm && hmac && config.access_token_private_key_file) {
    reader.issue("ACCESS_TOKEN_PRIVATE_KEY_FILE",
                 "ACCESS_TOKEN_PRIVATE_KEY_FILE is only used with ACCESS_TOKEN_ALGORITHM RS256, "
                 "ES256 or EdDSA; " +
                     algorithm + " signs with ACCESS_TOKEN_SECRET");
  } else if (config.access_token_private_key_file) {
    read_private_key(reader, config, *config.access_token_private_key_file);
  }
  config.access_token_key_id = reader.optional_text("ACCESS_TOKEN_KEY_ID");

  if (const auto refresh_algorithm = reader.get("REFRESH_TOKEN_ALGORITHM");
      refresh_algorithm && *refresh_algorithm != "HS256") {
    reader.issue("REFRESH_TOKEN_ALGORITHM",
                 "REFRESH_TOKEN_ALGORITHM must be HS256: refresh tokens are only verified by "
                 "this service, so they always use HS256");
  }
  config.refresh_token_key_id = reader.optional_text("REFRESH_TOKEN_KEY_ID");
}

// The server's thread ceiling and request deadlines, which must agree with the settings
// before them (docs/configuration.md).
void check_http_edge(Reader& reader, Config& config) {
  const auto floor = static_cast<std::int64_t>(config.http_threads);
  const auto max_threads =
      reader.integer("HTTP_MAX_THREADS", std::max<std::int64_t>(floor, 256), {1, true}, 4096);
  if (max_threads < floor) {
    reader.issue("HTTP_MAX_THREADS",
                 "HTTP_MAX_THREADS must be at least HTTP_THREADS (" + std::to_string(floor) + ")");
  }
  config.http_max_threads = static_cast<std::size_t>(std::max(max_threads, floor));
  config.http_headers_timeout = Duration(
      reader.integer("HTTP_HEADERS_TIMEOUT_MS", config.http_headers_timeout.count(), {0, false}));
  config.http_request_timeout = Duration(
      reader.integer("HTTP_REQUEST_TIMEOUT_MS", config.http_request_timeout.count(), {0, false}));
  if (config.http_request_timeout < config.http_headers_timeout) {
    reader.issue("HTTP_REQUEST_TIMEOUT_MS",
                 "HTTP_REQUEST_TIMEOUT_MS must be at least HTTP_HEADERS_TIMEOUT_MS (" +
                     std::to_string(config.http_headers_timeout.count()) + ")");
  }
}

// The HTTP threads for everything but password hashing.
std::size_t http_threads_besides_hashing() noexcept {
  const std::size_t cores = std::thread::hardware_concurrency();
  return std::max<std::size_t>(8, 2 * cores);
}

constexpr std::size_t kMaxHttpThreads = 4096;
constexpr std::int64_t kMaxHashQueue = 4096;  // every waiter holds a thread: as HTTP_THREADS

// /metrics tells anyone who reaches it the traffic, error rates and abuse signals of the
// service: in production it needs a token, or an explicit statement that the network guards it.
void check_metrics_exposure(Reader& reader, Config& config) {
  config.metrics_allow_unauthenticated =
      reader.boolean("METRICS_ALLOW_UNAUTHENTICATED", config.metrics_allow_unauthenticated);
  if (config.node_env == NodeEnv::kProduction && config.metrics_enabled &&
      !config.metrics_auth_token && !config.metrics_allow_unauthenticated) {
    reader.issue("METRICS_AUTH_TOKEN",
                 "METRICS_AUTH_TOKEN is required when NODE_ENV is production and "
                 "METRICS_ENABLED is true: set a token of at least 16 characters (and give "
                 "Prometheus the same one), or set METRICS_ALLOW_UNAUTHENTICATED=true if only "
                 "a trusted network can reach /metrics",
                 kCrossFieldOrder);
  }
}

}  // namespace

std::size_t default_password_hash_queue_max(std::size_t concurrency) noexcept {
  return 8 * concurrency;
}

std::size_t default_http_threads() noexcept {
  const std::size_t concurrency = default_password_hash_concurrency();
  return std::min(kMaxHttpThreads, http_threads_besides_hashing() + concurrency +
                                       default_password_hash_queue_max(concurrency));
}

std::size_t Config::effective_password_hash_queue_max() const noexcept {
  return password_hash_queue_max.value_or(
      default_password_hash_queue_max(password_hash_concurrency));
}

std::size_t Config::effective_password_hash_queue_max_per_client() const noexcept {
  if (password_hash_queue_max_per_client > 0) return password_hash_queue_max_per_client;
  return std::max<std::size_t>(1, (effective_password_hash_queue_max() + 1) / 2);
}

PasswordPolicy Config::password_policy() const {
  PasswordPolicy policy;
  policy.algorithm = password_hash_algorithm;
  policy.argon2_opslimit = argon2_opslimit;
  policy.argon2_memlimit = argon2_memlimit;
  policy.bcrypt_rounds = bcrypt_rounds;
  policy.max_concurrency = password_hash_concurrency;
  return policy;
}

Result<Config> Config::from_env() {
  return from_env([](std::string_view name) -> std::optional<std::string> {
    const std::string key(name);
    // NOLINTNEXTLINE(concurrency-mt-unsafe): the embedder calls this once, at start-up.
    const char* value = std::getenv(key.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  });
}

Result<Config> Config::from_env(const EnvLookup& lookup) {
  Reader reader(lookup);
  Config config;

  if (auto env = reader.enumeration<NodeEnv>("NODE_ENV", {{"development", NodeEnv::kDevelopment},
                                                          {"test", NodeEnv::kTest},
                                                          {"production", NodeEnv::kProduction}})) {
    config.node_env = *env;
  }
  config.port = reader.integer("PORT", config.port, {0, false});
  check_database_url(reader, config);
  check_token_keys(reader, config);
  config.access_token_expires_in =
      reader.duration("ACCESS_TOKEN_EXPIRES_IN", config.access_token_expires_in);
  config.refresh_token_expires_in =
      reader.duration("REFRESH_TOKEN_EXPIRES_IN", config.refresh_token_expires_in);
  config.jwt_issuer = reader.nonempty("JWT_ISSUER", config.jwt_issuer);
  config.jwt_audience = reader.nonempty("JWT_AUDIENCE", config.jwt_audience);
  check_redis_url(reader, config);
  config.rate_limit_window = Duration(
      reader.integer("RATE_LIMIT_WINDOW_MS", config.rate_limit_window.count(), {0, false}));
  config.rate_limit_max_requests =
      reader.integer("RATE_LIMIT_MAX_REQUESTS", config.rate_limit_max_requests, {0, false});

  config.log_level =
      config.node_env == NodeEnv::kTest ? std::nullopt : std::optional<LogLevel>(LogLevel::kInfo);
  if (auto level =
          reader.enumeration<std::optional<LogLevel>>("LOG_LEVEL", {{"silent", std::nullopt},
                                                                    {"fatal", LogLevel::kFatal},
                                                                    {"error", LogLevel::kError},
                                                                    {"warn", LogLevel::kWarn},
                                                                    {"info", LogLevel::kInfo},
                                                                    {"debug", LogLevel::kDebug},
                                                                    {"trace", LogLevel::kTrace}})) {
    config.log_level = *level;
  }
  config.trust_proxy = reader.integer("TRUST_PROXY", config.trust_proxy, {0, true});
  config.docs_enabled = reader.boolean("DOCS_ENABLED", config.docs_enabled);
  config.metrics_enabled = reader.boolean("METRICS_ENABLED", config.metrics_enabled);
  config.metrics_auth_token = reader.optional_text("METRICS_AUTH_TOKEN");
  if (config.metrics_auth_token && js_length(*config.metrics_auth_token) < 16) {
    reader.issue("METRICS_AUTH_TOKEN", "METRICS_AUTH_TOKEN must have at least 16 characters");
  }
  config.bcrypt_rounds = static_cast<int>(reader.integer(
      "BCRYPT_ROUNDS", config.bcrypt_rounds, {kBcryptRoundsMin, true}, kBcryptRoundsMax));

  config.jwt_leeway = std::chrono::seconds(
      reader.integer("JWT_LEEWAY_SECONDS", config.jwt_leeway.count(), {0, true}));
  if (auto algorithm = reader.enumeration<PasswordAlgorithm>(
          "PASSWORD_HASH_ALGORITHM",
          {{"argon2id", PasswordAlgorithm::kArgon2id}, {"bcrypt", PasswordAlgorithm::kBcrypt}})) {
    config.password_hash_algorithm = *algorithm;
  }
  config.argon2_opslimit = static_cast<std::uint64_t>(
      reader.integer("ARGON2_OPSLIMIT", static_cast<std::int64_t>(config.argon2_opslimit),
                     {crypto_pwhash_OPSLIMIT_MIN, true}, crypto_pwhash_OPSLIMIT_MAX));
  config.argon2_memlimit = static_cast<std::size_t>(reader.integer(
      "ARGON2_MEMLIMIT", static_cast<std::int64_t>(config.argon2_memlimit),
      {crypto_pwhash_MEMLIMIT_MIN, true}, static_cast<double>(crypto_pwhash_MEMLIMIT_MAX)));
  config.password_hash_concurrency = static_cast<std::size_t>(
      reader.integer("PASSWORD_HASH_CONCURRENCY",
                     static_cast<std::int64_t>(config.password_hash_concurrency), {1, true}));
  if (reader.get("PASSWORD_HASH_QUEUE_MAX")) {
    config.password_hash_queue_max = static_cast<std::size_t>(
        reader.integer("PASSWORD_HASH_QUEUE_MAX", 0, {0, true}, kMaxHashQueue));
  }
  config.password_hash_queue_max_per_client = static_cast<std::size_t>(
      reader.integer("PASSWORD_HASH_QUEUE_MAX_PER_CLIENT", 0, {1, true}, kMaxHashQueue));
  config.password_hash_queue_timeout =
      Duration(reader.integer("PASSWORD_HASH_QUEUE_TIMEOUT_MS",
                              config.password_hash_queue_timeout.count(), {0, false}, 600000));

  config.session_max_age = reader.duration("SESSION_MAX_AGE", config.session_max_age);
  config.refresh_reuse_grace = Duration(
      reader.integer("REFRESH_REUSE_GRACE_MS", config.refresh_reuse_grace.count(), {0, true}));
  config.audit_log_emails = reader.boolean("AUDIT_LOG_EMAILS", config.audit_log_emails);
  config.login_max_failures_per_account = reader.integer(
      "LOGIN_MAX_FAILURES_PER_ACCOUNT", config.login_max_failures_per_account, {0, false});
  config.login_failure_window = Duration(
      reader.integer("LOGIN_FAILURE_WINDOW_MS", config.login_failure_window.count(), {0, false}));
  config.rate_limit_ipv6_prefix = static_cast<int>(
      reader.integer("RATE_LIMIT_IPV6_PREFIX", config.rate_limit_ipv6_prefix, {1, true}, 128));
  config.purge_retention = reader.duration("PURGE_RETENTION", config.purge_retention);
  config.purge_interval = reader.duration("PURGE_INTERVAL", config.purge_interval);
  config.migrate_on_start = reader.boolean("MIGRATE_ON_START", config.migrate_on_start);
  config.database_pool_size = static_cast<std::size_t>(reader.integer(
      "DATABASE_POOL_SIZE", static_cast<std::int64_t>(config.database_pool_size), {1, true}, 1000));
  config.database_read_coalescing =
      reader.boolean("DATABASE_READ_COALESCING", config.database_read_coalescing);
  config.database_read_coalescing_patience =
      Duration(reader.integer("DATABASE_READ_COALESCING_PATIENCE_MS",
                              config.database_read_coalescing_patience.count(), {0, true}, 1000));

  // Unset: room for every hashing and queued login besides the threads for the rest.
  config.http_threads =
      std::min(kMaxHttpThreads, http_threads_besides_hashing() + config.password_hash_concurrency +
                                    config.effective_password_hash_queue_max());
  config.http_threads = static_cast<std::size_t>(reader.integer(
      "HTTP_THREADS", static_cast<std::int64_t>(config.http_threads), {1, true}, kMaxHttpThreads));
  config.http_keep_alive_max =
      reader.integer("HTTP_KEEP_ALIVE_MAX", config.http_keep_alive_max, {1, true});
  config.http_read_timeout = Duration(
      reader.integer("HTTP_READ_TIMEOUT_MS", config.http_read_timeout.count(), {0, false}));
  config.http_write_timeout = Duration(
      reader.integer("HTTP_WRITE_TIMEOUT_MS", config.http_write_timeout.count(), {0, false}));
  check_http_edge(reader, config);
  config.shutdown_timeout =
      Duration(reader.integer("SHUTDOWN_TIMEOUT_MS", config.shutdown_timeout.count(), {0, true}));

  check_metrics_exposure(reader, config);

  if (auto problems = std::move(reader).result(); !problems) return std::move(problems).error();
  return config;
}

}  // namespace v1
}  // namespace authkit
