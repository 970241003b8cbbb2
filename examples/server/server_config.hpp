// ServerConfig: the reference server's own settings (PORT, HTTP_*, LOG_LEVEL, /docs and
// /metrics, ...) beside the library's Config, read from one environment in one pass.
#pragma once

#include <authkit/config.hpp>
#include <authkit/logger.hpp>
#include <authkit/settings.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace authkit::server {

// NODE_ENV.
enum class NodeEnv {
  kDevelopment,
  kTest,
  kProduction,
};

// HTTP_THREADS' default: 2 x the number of cores, at least 8 (cpp-httplib serves one open
// connection per worker thread, so too few threads make keep-alive clients queue), plus the
// threads password hashing can hold at the default PASSWORD_HASH_CONCURRENCY and
// PASSWORD_HASH_QUEUE_MAX (each hashing or queued login holds its thread), so that a login
// flood leaves the first part to every other request. ServerConfig::from_env() adds the
// configured values instead when HTTP_THREADS is unset.
std::size_t default_http_threads() noexcept;

// Every setting of authkit-server
// (docs/configuration.md#variables-of-the-reference-server-authkit-server and the server's
// variables of the original service). A default-constructed ServerConfig holds the defaults.
struct ServerConfig {
  Config library;  // the library's settings: the AuthService's configuration

  NodeEnv node_env = NodeEnv::kDevelopment;             // NODE_ENV
  std::int64_t port = 3000;                             // PORT
  std::optional<LogLevel> log_level = LogLevel::kInfo;  // LOG_LEVEL; nullopt is "silent"
  std::int64_t trust_proxy = 0;                         // TRUST_PROXY (hop count)
  bool docs_enabled = true;                             // DOCS_ENABLED
  bool metrics_enabled = false;                         // METRICS_ENABLED
  std::optional<std::string> metrics_auth_token;        // METRICS_AUTH_TOKEN
  // METRICS_ALLOW_UNAUTHENTICATED: with NODE_ENV=production and metrics enabled, from_env()
  // requires METRICS_AUTH_TOKEN unless this is true
  // (docs/compatibility.md#metrics-production-token).
  bool metrics_allow_unauthenticated = false;

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
  // PURGE_INTERVAL: how often the server purges (AuthService::purge); 0: never.
  Duration purge_interval = std::chrono::hours(1);

  // Reads the process environment.
  static Result<ServerConfig> from_env();
  // Reads the library's and the server's variables through `lookup`, reporting every problem
  // of both at once in docs/configuration.md's order, as Config::from_env words them.
  static Result<ServerConfig> from_env(const EnvLookup& lookup);
};

// The server's names, in the order of the library's catalogue (setting_catalogue()): the
// table's rows, for the test that keeps the two in step.
std::vector<std::string_view> server_setting_names();

}  // namespace authkit::server
