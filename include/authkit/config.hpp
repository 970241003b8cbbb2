/// @file
/// Config: every setting of docs/configuration.md as a typed struct, and Config::from_env() to read
/// it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authkit/clock.hpp"
#include "authkit/export.hpp"
#include "authkit/logger.hpp"
#include "authkit/password.hpp"
#include "authkit/result.hpp"
#include "authkit/settings.hpp"

namespace authkit {
inline namespace v1 {

/// A duration as the configuration writes it (`ACCESS_TOKEN_EXPIRES_IN` in
/// docs/configuration.md#variables-of-the-original-service): all digits is seconds
/// ("1000" is 1000 s, "0" allowed), otherwise digits and a lower-case unit ms, s, m, h or d
/// ("15m", "7d", "500ms"); leading zeros are fine, nothing else is (no sign, space, fraction or
/// other unit; the caller trims). Parsed once: the same value gives a JWT's `exp` and the stored
/// expiry (docs/compatibility.md#one-parsed-lifetime). Fails with INVALID_CONFIGURATION, the reason
/// in `message`, for another shape or for more than 2^53 - 1 milliseconds (the largest integer a
/// JavaScript client holds exactly).
AUTHKIT_API Result<Duration> parse_duration(std::string_view text);

/// The parts of a REDIS_URL.
struct RedisUrl {
  std::string host;           ///< a name, an IPv4 address, or an IPv6 address without its brackets
  std::uint16_t port = 6379;  ///< The port, 6379 when the URL has none.
  std::string username;       ///< empty: none (Redis's "default" user)
  std::string password;       ///< empty: no AUTH
  int db = 0;                 ///< The database number of the URL's path, 0 when none.
};

/// Parses redis://[[username]:password@]host[:port][/db] (user information percent-decoded).
/// rediss:// is refused: Debian 12's hiredis is built without TLS. Fails with
/// INVALID_CONFIGURATION, the reason in `message`, which never holds the URL or its password.
AUTHKIT_API Result<RedisUrl> parse_redis_url(std::string_view url);

/// PASSWORD_HASH_QUEUE_MAX's default for a PASSWORD_HASH_CONCURRENCY: 8 x it (a full queue drains
/// in about 8 hash times, well within PASSWORD_HASH_QUEUE_TIMEOUT_MS).
AUTHKIT_API std::size_t default_password_hash_queue_max(std::size_t concurrency) noexcept;

/// A key that only verifies (docs/configuration.md#key-rotation): the previous key after a
/// rotation, or the next one before it becomes active. It checks the tokens whose header names
/// its kid; it never signs.
struct VerificationKey {
  std::string kid;  ///< The header's `kid`; "" is the key of tokens without one (the original's).
  /// An HMAC secret (the *_VERIFY_SECRETS lists), or the PEM of a public or private key
  /// (ACCESS_TOKEN_VERIFY_KEY_FILES; only its public half is used, its type fixes the algorithm).
  std::string material;
  friend bool operator==(const VerificationKey&, const VerificationKey&) = default;  ///< Equality.
};

/// Every setting of the library. Field names follow the environment variables
/// (docs/configuration.md lists them with their defaults and the deliberate differences from the
/// original service); the reference server's own settings (PORT, HTTP_*, LOG_LEVEL, ...) are the
/// server's, not the library's. A default-constructed Config holds the defaults, but
/// its two secrets are empty: a usable one comes from from_env() or is filled in by the embedder.
struct AUTHKIT_API Config {
  /// The original service's variables (docs/configuration.md#variables-of-the-original-service).
  std::string database_url = "sqlite://authkit.db";             // DATABASE_URL
  std::string access_token_secret;                              ///< ACCESS_TOKEN_SECRET (trimmed)
  std::string refresh_token_secret;                             ///< REFRESH_TOKEN_SECRET (trimmed)
  Duration access_token_expires_in = std::chrono::minutes(15);  ///< ACCESS_TOKEN_EXPIRES_IN
  Duration refresh_token_expires_in = std::chrono::days(7);     ///< REFRESH_TOKEN_EXPIRES_IN
  std::string jwt_issuer = "auth-api";                          ///< JWT_ISSUER
  std::string jwt_audience = "auth-api-clients";                ///< JWT_AUDIENCE
  std::optional<std::string> redis_url;                         ///< REDIS_URL (unset: no Redis)
  Duration rate_limit_window = std::chrono::milliseconds(60000);  ///< RATE_LIMIT_WINDOW_MS
  std::int64_t rate_limit_max_requests = 100;                     ///< RATE_LIMIT_MAX_REQUESTS
  int bcrypt_rounds = kBcryptRoundsDefault;                       ///< BCRYPT_ROUNDS

  /// Added by libauthkit.
  std::string access_token_algorithm = "HS256";  ///< ACCESS_TOKEN_ALGORITHM
  /// ACCESS_TOKEN_PRIVATE_KEY_FILE, and the PEM text from_env() read from it (a secret).
  std::optional<std::string> access_token_private_key_file;
  /// ACCESS_TOKEN_PRIVATE_KEY_FILE's content (PEM) for RS256, ES256 and EdDSA.
  std::string access_token_private_key_pem;
  std::optional<std::string> access_token_key_id;   ///< ACCESS_TOKEN_KEY_ID
  std::string refresh_token_algorithm = "HS256";    ///< REFRESH_TOKEN_ALGORITHM
  std::optional<std::string> refresh_token_key_id;  ///< REFRESH_TOKEN_KEY_ID
  /// Verify-only keys (docs/configuration.md#key-rotation), after the active key of their type.
  /// ACCESS_TOKEN_VERIFY_SECRETS: HMAC secrets, of ACCESS_TOKEN_ALGORITHM when it is HMAC, else
  /// HS256 (the original's tokens, while moving to an asymmetric algorithm).
  std::vector<VerificationKey> access_token_verify_secrets;
  /// ACCESS_TOKEN_VERIFY_KEY_FILES: the PEM keys from_env() read from the files.
  std::vector<VerificationKey> access_token_verify_keys;
  /// REFRESH_TOKEN_VERIFY_SECRETS: HS256 secrets.
  std::vector<VerificationKey> refresh_token_verify_secrets;
  std::chrono::seconds jwt_leeway{0};  ///< JWT_LEEWAY_SECONDS
  /// PASSWORD_HASH_ALGORITHM
  PasswordAlgorithm password_hash_algorithm = PasswordAlgorithm::kArgon2id;
  std::uint64_t argon2_opslimit = kArgon2OpslimitInteractive;  ///< ARGON2_OPSLIMIT
  std::size_t argon2_memlimit = kArgon2MemlimitInteractive;    ///< ARGON2_MEMLIMIT (bytes)
  /// PASSWORD_HASH_CONCURRENCY
  std::size_t password_hash_concurrency = default_password_hash_concurrency();
  /// The queue of callers waiting for a hashing slot (docs/configuration.md#password-hash-queue):
  /// PASSWORD_HASH_QUEUE_MAX callers wait at most (0: none; nullopt: the default for the
  /// concurrency), one client address (IPv6: its /64) holds at most
  /// PASSWORD_HASH_QUEUE_MAX_PER_CLIENT of those places (0: half the queue, rounded up), and a
  /// caller waits at most PASSWORD_HASH_QUEUE_TIMEOUT_MS. Then SERVICE_UNAVAILABLE.
  std::optional<std::size_t> password_hash_queue_max;
  /// PASSWORD_HASH_QUEUE_MAX_PER_CLIENT (0: half the queue).
  std::size_t password_hash_queue_max_per_client = 0;
  /// PASSWORD_HASH_QUEUE_TIMEOUT_MS: the longest wait in the hashing queue.
  Duration password_hash_queue_timeout = std::chrono::seconds(10);
  /// SESSION_MAX_AGE: absolute session lifetime, whatever its tokens say
  /// (docs/compatibility.md#session-max-age); 0 is none.
  Duration session_max_age = std::chrono::days(30);
  /// REFRESH_REUSE_GRACE_MS: reuse grace (docs/compatibility.md#refresh-reuse-grace); 0 is strict,
  /// as the original.
  Duration refresh_reuse_grace{0};
  bool audit_log_emails = false;  ///< AUDIT_LOG_EMAILS: e-mails in failed-login audit events
  std::int64_t login_max_failures_per_account = 10;          ///< LOGIN_MAX_FAILURES_PER_ACCOUNT
  Duration login_failure_window = std::chrono::minutes(15);  ///< LOGIN_FAILURE_WINDOW_MS
  /// RATE_LIMIT_IPV6_PREFIX: IPv6 clients share the request bucket of their /N network; 1..128.
  int rate_limit_ipv6_prefix = 64;
  Duration purge_retention = std::chrono::days(30);  ///< PURGE_RETENTION
  /// MIGRATE_ON_START: AuthService::open applies pending migrations; false: it refuses to start
  /// on a schema that is behind (apply them with Store::migrate / `authkit-server migrate`).
  bool migrate_on_start = true;
  /// DATABASE_POOL_SIZE: database connections AuthService::open's store keeps at most (PostgreSQL
  /// pool; SQLite connections). An operation waits for a free one, so the server's HTTP_THREADS
  /// beyond this many queue for the database rather than fail.
  std::size_t database_pool_size = 8;
  /// DATABASE_READ_COALESCING, DATABASE_READ_COALESCING_PATIENCE_MS: StoreOptions'
  /// read_coalescing and read_coalescing_patience (PostgreSQL only).
  bool database_read_coalescing = true;
  Duration database_read_coalescing_patience{2};  ///< DATABASE_READ_COALESCING_PATIENCE_MS.

  /// The password policy these settings describe (PASSWORD_HASH_ALGORITHM, ARGON2_*,
  /// BCRYPT_ROUNDS, PASSWORD_HASH_CONCURRENCY).
  PasswordPolicy password_policy() const;
  /// PASSWORD_HASH_QUEUE_MAX and PASSWORD_HASH_QUEUE_MAX_PER_CLIENT with their defaults resolved.
  std::size_t effective_password_hash_queue_max() const noexcept;
  /// The per-client share of the hashing queue after defaults: half the queue when unset.
  std::size_t effective_password_hash_queue_max_per_client() const noexcept;

  /// Reads the process environment: the only place libauthkit reads it, and only when called.
  static Result<Config> from_env();
  /// Reads the variables through `lookup` (a map in tests, another source in an embedder).
  /// Every problem is reported at once: INVALID_CONFIGURATION whose message is
  /// "Invalid environment configuration: " + "<VAR>: <message>" issues joined by "; ", with one
  /// ErrorDetail{VAR, message} per issue. No message ever holds a secret, token, password or
  /// key file contents. A key file is read during this call.
  static Result<Config> from_env(const EnvLookup& lookup);
  /// Reads the library's variables through `reader`, whose issues the caller collects (the
  /// reference server reads its own variables through the same reader, so that one message lists
  /// every issue in docs/configuration.md's order). Invalid values leave their defaults.
  static Config read(SettingsReader& reader);
};

}  // namespace v1
}  // namespace authkit
