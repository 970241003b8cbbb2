// Config::read and Config::from_env: the library's variables as one table of {name, parser and
// field}; their defaults are Config's initialisers, their documentation docs/configuration.md,
// their order (and the server's names) the catalogue of src/config/settings.cpp.
#include "authkit/config.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "authkit/crypto.hpp"
#include "config/key_file.hpp"
#include "config/settings_table.hpp"
#include "config/verify_keys.hpp"
#include "js/js_string.hpp"

namespace authkit {
inline namespace v1 {
namespace {

using detail::js_length;
using detail::js_trim;

using Reader = SettingsReader;

constexpr std::string_view kUndefined = "Invalid input: expected string, received undefined";

bool is_hmac(std::string_view algorithm) {
  return algorithm == "HS256" || algorithm == "HS384" || algorithm == "HS512";
}

// An HMAC secret: trimmed (the trimmed text is the key), long enough, and not a PEM key.
std::optional<std::string> read_secret(Reader& reader, std::string_view name, bool required,
                                       std::size_t min_length, std::string_view for_algorithm) {
  const auto raw = reader.get(name);
  if (!raw) {
    if (required) reader.issue(name, std::string(kUndefined));
    return std::nullopt;
  }
  const auto trimmed = js_trim(*raw);
  if (js_length(trimmed) < min_length) {
    std::string message =
        std::string(name) + " must have at least " + std::to_string(min_length) + " characters";
    if (!for_algorithm.empty()) message += " for " + std::string(for_algorithm);
    reader.issue(name, std::move(message));
  }
  if (trimmed.find("-----BEGIN") != std::string_view::npos) {
    // Algorithm confusion: a PEM key used as an HMAC secret lets anyone who holds the
    // (public) key forge tokens.
    reader.issue(name, std::string(name) +
                           " looks like a PEM key (-----BEGIN): it must be a random shared secret, "
                           "never a public or private key");
  }
  return std::string(trimmed);
}

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
  auto access = read_secret(reader, "ACCESS_TOKEN_SECRET", hmac || !valid_algorithm, min_secret,
                            algorithm == "HS256" ? "" : algorithm);
  auto refresh = read_secret(reader, "REFRESH_TOKEN_SECRET", true, 32, "");
  if (access && refresh && !refresh->empty() && crypto::constant_time_equal(*access, *refresh)) {
    // The original accepts identical secrets (docs/compatibility.md#distinct-secrets); only `typ`
    // would then tell the kinds apart.
    reader.cross_issue("REFRESH_TOKEN_SECRET",
                       "REFRESH_TOKEN_SECRET must differ from ACCESS_TOKEN_SECRET");
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
    if (auto pem = config_detail::read_key_file(reader, "ACCESS_TOKEN_PRIVATE_KEY_FILE",
                                                *config.access_token_private_key_file,
                                                config_detail::PemKind::kPrivate)) {
      config.access_token_private_key_pem = std::move(*pem);
    }
  }
  config.access_token_key_id = reader.optional_text("ACCESS_TOKEN_KEY_ID");

  if (const auto refresh_algorithm = reader.get("REFRESH_TOKEN_ALGORITHM");
      refresh_algorithm && *refresh_algorithm != "HS256") {
    reader.issue("REFRESH_TOKEN_ALGORITHM",
                 "REFRESH_TOKEN_ALGORITHM must be HS256: refresh tokens are only verified by "
                 "this service, so they always use HS256");
  }
  config.refresh_token_key_id = reader.optional_text("REFRESH_TOKEN_KEY_ID");
  config_detail::read_verify_keys(reader, config);
}

void read_database_url(Reader& reader, std::string_view /*name*/, Config& config) {
  check_database_url(reader, config);
}
void read_redis_url(Reader& reader, std::string_view /*name*/, Config& config) {
  check_redis_url(reader, config);
}
// ACCESS_TOKEN_SECRET's row reads every token variable at once (the algorithm decides which key
// is required); the other token variables' rows point here.
void read_token_keys(Reader& reader, std::string_view /*name*/, Config& config) {
  check_token_keys(reader, config);
}
void read_with_token_keys(Reader& /*reader*/, std::string_view /*name*/, Config& /*config*/) {}

void read_password_algorithm(Reader& reader, std::string_view name, Config& config) {
  if (auto algorithm = reader.enumeration<PasswordAlgorithm>(
          name,
          {{"argon2id", PasswordAlgorithm::kArgon2id}, {"bcrypt", PasswordAlgorithm::kBcrypt}})) {
    config.password_hash_algorithm = *algorithm;
  }
}

constexpr std::int64_t kMaxHashQueue = 4096;  // every waiter holds a server thread

// Unset, the queue's bound follows PASSWORD_HASH_CONCURRENCY (effective_password_hash_queue_max).
void read_hash_queue_max(Reader& reader, std::string_view name, Config& config) {
  if (!reader.get(name)) return;
  config.password_hash_queue_max =
      static_cast<std::size_t>(reader.integer(name, 0, {0, true, kMaxHashQueue}));
}

using settings::boolean;
using settings::duration;
using settings::integer;
using settings::nonempty;

constexpr auto kLibrary = SettingScope::kLibrary;
constexpr auto kServer = SettingScope::kServer;

// Every documented variable in the original service's schema order, then libauthkit's own: the
// order of the issues. {name, default as documented, who reads it; the parser and its field}.
// Config's initialisers are the defaults; docs/configuration.md says what each one means. Every
// name here was documented for 1.0 and stays accepted (docs/c-abi.md#settings-by-name).
constexpr config_table::SettingRow kTable[] = {
    {{"NODE_ENV", "development", kServer}, nullptr},
    {{"PORT", "3000", kServer}, nullptr},
    {{"DATABASE_URL", "sqlite://authkit.db", kLibrary}, read_database_url},
    {{"ACCESS_TOKEN_SECRET", "(required)", kLibrary}, read_token_keys},
    {{"REFRESH_TOKEN_SECRET", "(required)", kLibrary}, read_with_token_keys},
    {{"ACCESS_TOKEN_EXPIRES_IN", "15m", kLibrary}, duration<&Config::access_token_expires_in>},
    {{"REFRESH_TOKEN_EXPIRES_IN", "7d", kLibrary}, duration<&Config::refresh_token_expires_in>},
    {{"JWT_ISSUER", "auth-api", kLibrary}, nonempty<&Config::jwt_issuer>},
    {{"JWT_AUDIENCE", "auth-api-clients", kLibrary}, nonempty<&Config::jwt_audience>},
    {{"REDIS_URL", "(unset: no Redis)", kLibrary}, read_redis_url},
    {{"RATE_LIMIT_WINDOW_MS", "60000", kLibrary},
     integer<&Config::rate_limit_window, IntegerBounds{0, false}>},
    {{"RATE_LIMIT_MAX_REQUESTS", "100", kLibrary},
     integer<&Config::rate_limit_max_requests, IntegerBounds{0, false}>},
    {{"LOG_LEVEL", "silent when NODE_ENV=test, else info", kServer}, nullptr},
    {{"TRUST_PROXY", "0", kServer}, nullptr},
    {{"DOCS_ENABLED", "true", kServer}, nullptr},
    {{"METRICS_ENABLED", "false", kServer}, nullptr},
    {{"METRICS_AUTH_TOKEN", "(unset)", kServer}, nullptr},
    {{"BCRYPT_ROUNDS", "10", kLibrary},
     integer<&Config::bcrypt_rounds, IntegerBounds{kBcryptRoundsMin, true, kBcryptRoundsMax}>},
    {{"ACCESS_TOKEN_ALGORITHM", "HS256", kLibrary}, read_with_token_keys},
    {{"ACCESS_TOKEN_PRIVATE_KEY_FILE", "(unset)", kLibrary}, read_with_token_keys},
    {{"ACCESS_TOKEN_KEY_ID", "(unset)", kLibrary}, read_with_token_keys},
    {{"REFRESH_TOKEN_ALGORITHM", "HS256", kLibrary}, read_with_token_keys},
    {{"REFRESH_TOKEN_KEY_ID", "(unset)", kLibrary}, read_with_token_keys},
    {{"ACCESS_TOKEN_VERIFY_SECRETS", "(unset)", kLibrary}, read_with_token_keys},
    {{"ACCESS_TOKEN_VERIFY_KEY_FILES", "(unset)", kLibrary}, read_with_token_keys},
    {{"REFRESH_TOKEN_VERIFY_SECRETS", "(unset)", kLibrary}, read_with_token_keys},
    {{"JWT_LEEWAY_SECONDS", "0", kLibrary}, integer<&Config::jwt_leeway, IntegerBounds{0, true}>},
    {{"PASSWORD_HASH_ALGORITHM", "argon2id", kLibrary}, read_password_algorithm},
    {{"ARGON2_OPSLIMIT", "2", kLibrary},
     integer<&Config::argon2_opslimit,
             IntegerBounds{crypto_pwhash_OPSLIMIT_MIN, true, crypto_pwhash_OPSLIMIT_MAX}>},
    {{"ARGON2_MEMLIMIT", "67108864", kLibrary},
     integer<&Config::argon2_memlimit,
             IntegerBounds{crypto_pwhash_MEMLIMIT_MIN, true,
                           static_cast<double>(crypto_pwhash_MEMLIMIT_MAX)}>},
    {{"PASSWORD_HASH_CONCURRENCY", "2 x the number of cores", kLibrary},
     integer<&Config::password_hash_concurrency, IntegerBounds{1, true}>},
    {{"PASSWORD_HASH_QUEUE_MAX", "8 x PASSWORD_HASH_CONCURRENCY", kLibrary}, read_hash_queue_max},
    {{"PASSWORD_HASH_QUEUE_MAX_PER_CLIENT", "half of PASSWORD_HASH_QUEUE_MAX", kLibrary},
     integer<&Config::password_hash_queue_max_per_client, IntegerBounds{1, true, kMaxHashQueue}>},
    {{"PASSWORD_HASH_QUEUE_TIMEOUT_MS", "10000", kLibrary},
     integer<&Config::password_hash_queue_timeout, IntegerBounds{0, false, 600000}>},
    {{"SESSION_MAX_AGE", "30d", kLibrary}, duration<&Config::session_max_age>},
    {{"REFRESH_REUSE_GRACE_MS", "0", kLibrary},
     integer<&Config::refresh_reuse_grace, IntegerBounds{0, true}>},
    {{"AUDIT_LOG_EMAILS", "false", kLibrary}, boolean<&Config::audit_log_emails>},
    {{"LOGIN_MAX_FAILURES_PER_ACCOUNT", "10", kLibrary},
     integer<&Config::login_max_failures_per_account, IntegerBounds{0, false}>},
    {{"LOGIN_FAILURE_WINDOW_MS", "900000", kLibrary},
     integer<&Config::login_failure_window, IntegerBounds{0, false}>},
    {{"RATE_LIMIT_IPV6_PREFIX", "64", kLibrary},
     integer<&Config::rate_limit_ipv6_prefix, IntegerBounds{1, true, 128}>},
    {{"PURGE_RETENTION", "30d", kLibrary}, duration<&Config::purge_retention>},
    {{"HTTP_THREADS", "2 x cores (at least 8) + hashing concurrency + hash queue", kServer},
     nullptr},
    {{"HTTP_MAX_THREADS", "max(256, HTTP_THREADS)", kServer}, nullptr},
    {{"HTTP_KEEP_ALIVE_MAX", "100", kServer}, nullptr},
    {{"HTTP_READ_TIMEOUT_MS", "5000", kServer}, nullptr},
    {{"HTTP_WRITE_TIMEOUT_MS", "5000", kServer}, nullptr},
    {{"HTTP_HEADERS_TIMEOUT_MS", "10000", kServer}, nullptr},
    {{"HTTP_REQUEST_TIMEOUT_MS", "30000", kServer}, nullptr},
    {{"SHUTDOWN_TIMEOUT_MS", "10000", kServer}, nullptr},
    {{"PURGE_INTERVAL", "1h", kServer}, nullptr},
    {{"MIGRATE_ON_START", "true", kLibrary}, boolean<&Config::migrate_on_start>},
    {{"DATABASE_POOL_SIZE", "8", kLibrary},
     integer<&Config::database_pool_size, IntegerBounds{1, true, 1000}>},
    {{"DATABASE_READ_COALESCING", "true", kLibrary}, boolean<&Config::database_read_coalescing>},
    {{"DATABASE_READ_COALESCING_PATIENCE_MS", "2", kLibrary},
     integer<&Config::database_read_coalescing_patience, IntegerBounds{0, true, 1000}>},
    {{"METRICS_ALLOW_UNAUTHENTICATED", "false", kServer}, nullptr},
};
}  // namespace

std::size_t default_password_hash_queue_max(std::size_t concurrency) noexcept {
  return 8 * concurrency;
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

std::optional<std::string> process_environment(std::string_view name) {
  const std::string key(name);
  // NOLINTNEXTLINE(concurrency-mt-unsafe): the embedder calls this once, at start-up.
  const char* value = std::getenv(key.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<Config> Config::from_env() { return from_env(process_environment); }

namespace config_table {
std::span<const SettingRow> setting_table() noexcept { return kTable; }
}  // namespace config_table

Config Config::read(SettingsReader& reader) {
  Config config;
  for (const auto& row : kTable) {
    if (row.read != nullptr) row.read(reader, row.info.name, config);
  }
  return config;
}

Result<Config> Config::from_env(const EnvLookup& lookup) {
  SettingsReader reader(lookup);
  Config config = read(reader);
  if (auto problems = std::move(reader).finish(); !problems) return std::move(problems).error();
  return config;
}

}  // namespace v1
}  // namespace authkit
