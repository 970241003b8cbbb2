// Config: every setting of docs/configuration.md as a typed struct, and Config::from_env() to read
// it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "authkit/clock.hpp"
#include "authkit/export.hpp"
#include "authkit/logger.hpp"
#include "authkit/password.hpp"
#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {

// NODE_ENV.
enum class NodeEnv {
  kDevelopment,
  kTest,
  kProduction,
};

// A duration as the configuration writes it (`ACCESS_TOKEN_EXPIRES_IN` in
// docs/configuration.md#variables-of-the-original-service): all digits is seconds
// ("1000" is 1000 s, "0" allowed), otherwise digits and a lower-case unit ms, s, m, h or d
// ("15m", "7d", "500ms"); leading zeros are fine, nothing else is (no sign, space, fraction or
// other unit; the caller trims). Parsed once: the same value gives a JWT's `exp` and the stored
// expiry (docs/compatibility.md#one-parsed-lifetime). Fails with INVALID_CONFIGURATION, the reason
// in `message`, for another shape or for more than 2^53 - 1 milliseconds (the largest integer a
// JavaScript client holds exactly).
AUTHKIT_API Result<Duration> parse_duration(std::string_view text);

// The parts of a REDIS_URL.
struct RedisUrl {
  std::string host;  // a name, an IPv4 address, or an IPv6 address without its brackets
  std::uint16_t port = 6379;
  std::string username;  // empty: none (Redis's "default" user)
  std::string password;  // empty: no AUTH
  int db = 0;
};

// Parses redis://[[username]:password@]host[:port][/db] (user information percent-decoded).
// rediss:// is refused: Debian 12's hiredis is built without TLS. Fails with
// INVALID_CONFIGURATION, the reason in `message`, which never holds the URL or its password.
AUTHKIT_API Result<RedisUrl> parse_redis_url(std::string_view url);

// HTTP_THREADS' default: 2 x the number of cores, at least 8 (cpp-httplib serves one open
// connection per worker thread, so too few threads make keep-alive clients queue), plus the
// threads password hashing can hold at the default PASSWORD_HASH_CONCURRENCY and
// PASSWORD_HASH_QUEUE_MAX (each hashing or queued login holds its thread), so that a login
// flood leaves the first part to every other request. Config::from_env() adds the configured
// values instead when HTTP_THREADS is unset.
AUTHKIT_API std::size_t default_http_threads() noexcept;

// PASSWORD_HASH_QUEUE_MAX's default for a PASSWORD_HASH_CONCURRENCY: 8 x it (a full queue drains
// in about 8 hash times, well within PASSWORD_HASH_QUEUE_TIMEOUT_MS).
AUTHKIT_API std::size_t default_password_hash_queue_max(std::size_t concurrency) noexcept;

// Looks one environment variable up: nullopt when it is not set (which differs from set to "").
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Every setting of the library and the reference server. Field names follow the environment
// variables (docs/configuration.md lists them with their defaults and the deliberate
// differences from the original service). A default-constructed Config holds the defaults, but
// its two secrets are empty: a usable one comes from from_env() or is filled in by the embedder.
struct AUTHKIT_API Config {
  // The original service's variables (docs/configuration.md#variables-of-the-original-service).
  NodeEnv node_env = NodeEnv::kDevelopment;                       // NODE_ENV
  std::int64_t port = 3000;                                       // PORT
  std::string database_url = "sqlite://authkit.db";               // DATABASE_URL
  std::string access_token_secret;                                // ACCESS_TOKEN_SECRET (trimmed)
  std::string refresh_token_secret;                               // REFRESH_TOKEN_SECRET (trimmed)
  Duration access_token_expires_in = std::chrono::minutes(15);    // ACCESS_TOKEN_EXPIRES_IN
  Duration refresh_token_expires_in = std::chrono::days(7);       // REFRESH_TOKEN_EXPIRES_IN
  std::string jwt_issuer = "auth-api";                            // JWT_ISSUER
  std::string jwt_audience = "auth-api-clients";                  // JWT_AUDIENCE
  std::optional<std::string> redis_url;                           // REDIS_URL (unset: no Redis)
  Duration rate_limit_window = std::chrono::milliseconds(60000);  // RATE_LIMIT_WINDOW_MS
  std::int64_t rate_limit_max_requests = 100;                     // RATE_LIMIT_MAX_REQUESTS
  std::optional<LogLevel> log_level = LogLevel::kInfo;            // LOG_LEVEL; nullopt is "silent"
  std::int64_t trust_proxy = 0;                                   // TRUST_PROXY (hop count)
  bool docs_enabled = true;                                       // DOCS_ENABLED
  bool metrics_enabled = false;                                   // METRICS_ENABLED
  std::optional<std::string> metrics_auth_token;                  // METRICS_AUTH_TOKEN
  // METRICS_ALLOW_UNAUTHENTICATED (added by libauthkit): with NODE_ENV=production and metrics
  // enabled, from_env() requires METRICS_AUTH_TOKEN unless this is true.
  bool metrics_allow_unauthenticated = false;
  int bcrypt_rounds = kBcryptRoundsDefault;  // BCRYPT_ROUNDS

  // Added by libauthkit.
  std::string access_token_algorithm = "HS256";  // ACCESS_TOKEN_ALGORITHM
  // ACCESS_TOKEN_PRIVATE_KEY_FILE, and the PEM text from_env() read from it (a secret).
  std::optional<std::string> access_token_private_key_file;
  std::string access_token_private_key_pem;
  std::optional<std::string> access_token_key_id;   // ACCESS_TOKEN_KEY_ID
  std::string refresh_token_algorithm = "HS256";    // REFRESH_TOKEN_ALGORITHM
  std::optional<std::string> refresh_token_key_id;  // REFRESH_TOKEN_KEY_ID
  std::chrono::seconds jwt_leeway{0};               // JWT_LEEWAY_SECONDS
  // PASSWORD_HASH_ALGORITHM
  PasswordAlgorithm password_hash_algorithm = PasswordAlgorithm::kArgon2id;
  std::uint64_t argon2_opslimit = kArgon2OpslimitInteractive;  // ARGON2_OPSLIMIT
  std::size_t argon2_memlimit = kArgon2MemlimitInteractive;    // ARGON2_MEMLIMIT (bytes)
  // PASSWORD_HASH_CONCURRENCY
  std::size_t password_hash_concurrency = default_password_hash_concurrency();
  // The queue of callers waiting for a hashing slot (docs/configuration.md#password-hash-queue):
  // PASSWORD_HASH_QUEUE_MAX callers wait at most (0: none; nullopt: the default for the
  // concurrency), one client address (IPv6: its /64) holds at most
  // PASSWORD_HASH_QUEUE_MAX_PER_CLIENT of those places (0: half the queue, rounded up), and a
  // caller waits at most PASSWORD_HASH_QUEUE_TIMEOUT_MS. Then SERVICE_UNAVAILABLE.
  std::optional<std::size_t> password_hash_queue_max;
  std::size_t password_hash_queue_max_per_client = 0;
  Duration password_hash_queue_timeout = std::chrono::seconds(10);
  // SESSION_MAX_AGE: absolute session lifetime, whatever its tokens say
  // (docs/compatibility.md#session-max-age); 0 is none.
  Duration session_max_age = std::chrono::days(30);
  // REFRESH_REUSE_GRACE_MS: reuse grace (docs/compatibility.md#refresh-reuse-grace); 0 is strict,
  // as the original.
  Duration refresh_reuse_grace{0};
  bool audit_log_emails = false;  // AUDIT_LOG_EMAILS: e-mails in failed-login audit events
  std::int64_t login_max_failures_per_account = 10;          // LOGIN_MAX_FAILURES_PER_ACCOUNT
  Duration login_failure_window = std::chrono::minutes(15);  // LOGIN_FAILURE_WINDOW_MS
  // RATE_LIMIT_IPV6_PREFIX: IPv6 clients share the request bucket of their /N network; 1..128.
  int rate_limit_ipv6_prefix = 64;
  Duration purge_retention = std::chrono::days(30);  // PURGE_RETENTION
  // PURGE_INTERVAL: how often the reference server purges (AuthService::purge); 0: never.
  Duration purge_interval = std::chrono::hours(1);
  // MIGRATE_ON_START: AuthService::open applies pending migrations; false: it refuses to start
  // on a schema that is behind (apply them with Store::migrate / `authkit-server migrate`).
  bool migrate_on_start = true;
  // DATABASE_POOL_SIZE: database connections AuthService::open's store keeps at most (PostgreSQL
  // pool; SQLite connections). An operation waits for a free one, so the server's HTTP_THREADS
  // beyond this many queue for the database rather than fail.
  std::size_t database_pool_size = 8;
  // DATABASE_READ_COALESCING, DATABASE_READ_COALESCING_PATIENCE_MS: StoreOptions'
  // read_coalescing and read_coalescing_patience (PostgreSQL only).
  bool database_read_coalescing = true;
  Duration database_read_coalescing_patience{2};

  // The reference server's HTTP settings (docs/configuration.md explains the trade-offs).
  std::size_t http_threads = default_http_threads();  // HTTP_THREADS
  // HTTP_MAX_THREADS: the server starts threads on demand up to this many (one per open
  // connection); without the variable, max(256, http_threads).
  std::size_t http_max_threads = 256;
  std::int64_t http_keep_alive_max = 100;                 // HTTP_KEEP_ALIVE_MAX (requests)
  Duration http_read_timeout = std::chrono::seconds(5);   // HTTP_READ_TIMEOUT_MS
  Duration http_write_timeout = std::chrono::seconds(5);  // HTTP_WRITE_TIMEOUT_MS
  // HTTP_HEADERS_TIMEOUT_MS: a request head must be whole this long after its first byte.
  Duration http_headers_timeout = std::chrono::seconds(10);
  // HTTP_REQUEST_TIMEOUT_MS: a whole request (head and body), from its first byte.
  Duration http_request_timeout = std::chrono::seconds(30);
  Duration shutdown_timeout = std::chrono::seconds(10);  // SHUTDOWN_TIMEOUT_MS

  // The password policy these settings describe (PASSWORD_HASH_ALGORITHM, ARGON2_*,
  // BCRYPT_ROUNDS, PASSWORD_HASH_CONCURRENCY).
  PasswordPolicy password_policy() const;
  // PASSWORD_HASH_QUEUE_MAX and PASSWORD_HASH_QUEUE_MAX_PER_CLIENT with their defaults resolved.
  std::size_t effective_password_hash_queue_max() const noexcept;
  std::size_t effective_password_hash_queue_max_per_client() const noexcept;

  // Reads the process environment: the only place libauthkit reads it, and only when called.
  static Result<Config> from_env();
  // Reads the variables through `lookup` (a map in tests, another source in an embedder).
  // Every problem is reported at once: INVALID_CONFIGURATION whose message is
  // "Invalid environment configuration: " + "<VAR>: <message>" issues joined by "; ", with one
  // ErrorDetail{VAR, message} per issue. No message ever holds a secret, token, password or
  // key file contents. A key file is read during this call.
  static Result<Config> from_env(const EnvLookup& lookup);
};

}  // namespace v1
}  // namespace authkit
