// ServerConfig::from_env: the server's variables as one table of {name, parser and field}, read
// after the library's through the same SettingsReader.
#include "server_config.hpp"

#include <algorithm>
#include <thread>
#include <utility>

namespace authkit::server {
namespace {

using Reader = SettingsReader;

constexpr std::size_t kMaxHttpThreads = 4096;

// The HTTP threads for everything but password hashing.
std::size_t http_threads_besides_hashing() noexcept {
  const std::size_t cores = std::thread::hardware_concurrency();
  return std::max<std::size_t>(8, 2 * cores);
}

void read_node_env(Reader& reader, std::string_view name, ServerConfig& config) {
  if (auto env = reader.enumeration<NodeEnv>(name, {{"development", NodeEnv::kDevelopment},
                                                    {"test", NodeEnv::kTest},
                                                    {"production", NodeEnv::kProduction}})) {
    config.node_env = *env;
  }
}

// Unset, LOG_LEVEL is silent under NODE_ENV=test, as the original.
void read_log_level(Reader& reader, std::string_view name, ServerConfig& config) {
  config.log_level =
      config.node_env == NodeEnv::kTest ? std::nullopt : std::optional<LogLevel>(LogLevel::kInfo);
  if (auto level =
          reader.enumeration<std::optional<LogLevel>>(name, {{"silent", std::nullopt},
                                                             {"fatal", LogLevel::kFatal},
                                                             {"error", LogLevel::kError},
                                                             {"warn", LogLevel::kWarn},
                                                             {"info", LogLevel::kInfo},
                                                             {"debug", LogLevel::kDebug},
                                                             {"trace", LogLevel::kTrace}})) {
    config.log_level = *level;
  }
}

void read_metrics_token(Reader& reader, std::string_view name, ServerConfig& config) {
  config.metrics_auth_token = reader.optional_token(name, 16);
}

// Unset: room for every hashing and queued login besides the threads for the rest.
void read_http_threads(Reader& reader, std::string_view name, ServerConfig& config) {
  const Config& library = config.library;
  const std::size_t unset =
      std::min(kMaxHttpThreads, http_threads_besides_hashing() + library.password_hash_concurrency +
                                    library.effective_password_hash_queue_max());
  config.http_threads = static_cast<std::size_t>(
      reader.integer(name, static_cast<std::int64_t>(unset), {1, true, kMaxHttpThreads}));
}

// The thread ceiling must agree with HTTP_THREADS (docs/configuration.md).
void read_http_max_threads(Reader& reader, std::string_view name, ServerConfig& config) {
  const auto floor = static_cast<std::int64_t>(config.http_threads);
  const auto max_threads =
      reader.integer(name, std::max<std::int64_t>(floor, 256), {1, true, kMaxHttpThreads});
  if (max_threads < floor) {
    reader.issue(name,
                 "HTTP_MAX_THREADS must be at least HTTP_THREADS (" + std::to_string(floor) + ")");
  }
  config.http_max_threads = static_cast<std::size_t>(std::max(max_threads, floor));
}

// A whole request cannot have less time than its head (docs/configuration.md).
void read_http_request_timeout(Reader& reader, std::string_view name, ServerConfig& config) {
  config.http_request_timeout =
      Duration(reader.integer(name, config.http_request_timeout.count(), {0, false}));
  if (config.http_request_timeout < config.http_headers_timeout) {
    reader.issue(name, "HTTP_REQUEST_TIMEOUT_MS must be at least HTTP_HEADERS_TIMEOUT_MS (" +
                           std::to_string(config.http_headers_timeout.count()) + ")");
  }
}

// /metrics tells anyone who reaches it the traffic, error rates and abuse signals of the
// service: in production it needs a token, or an explicit statement that the network guards it
// (docs/compatibility.md#metrics-production-token). The last row: every variable it relates is
// read by then.
void read_metrics_exposure(Reader& reader, std::string_view name, ServerConfig& config) {
  config.metrics_allow_unauthenticated = reader.boolean(name, config.metrics_allow_unauthenticated);
  if (config.node_env == NodeEnv::kProduction && config.metrics_enabled &&
      !config.metrics_auth_token && !config.metrics_allow_unauthenticated) {
    reader.cross_issue("METRICS_AUTH_TOKEN",
                       "METRICS_AUTH_TOKEN is required when NODE_ENV is production and "
                       "METRICS_ENABLED is true: set a token of at least 16 characters (and give "
                       "Prometheus the same one), or set METRICS_ALLOW_UNAUTHENTICATED=true if "
                       "only a trusted network can reach /metrics");
  }
}

using settings::boolean;
using settings::duration;
using settings::integer;

struct ServerSetting {
  std::string_view name;
  void (*read)(Reader& reader, std::string_view name, ServerConfig& config);
};

// {name, parser and field}, in the catalogue's order (its kServer rows; a test keeps them in
// step). ServerConfig's initialisers are the defaults, docs/configuration.md the documentation.
constexpr ServerSetting kTable[] = {
    {"NODE_ENV", read_node_env},
    {"PORT", integer<&ServerConfig::port, IntegerBounds{0, false}>},
    {"LOG_LEVEL", read_log_level},
    {"TRUST_PROXY", integer<&ServerConfig::trust_proxy, IntegerBounds{0, true}>},
    {"DOCS_ENABLED", boolean<&ServerConfig::docs_enabled>},
    {"METRICS_ENABLED", boolean<&ServerConfig::metrics_enabled>},
    {"METRICS_AUTH_TOKEN", read_metrics_token},
    {"HTTP_THREADS", read_http_threads},
    {"HTTP_MAX_THREADS", read_http_max_threads},
    {"HTTP_KEEP_ALIVE_MAX", integer<&ServerConfig::http_keep_alive_max, IntegerBounds{1, true}>},
    {"HTTP_READ_TIMEOUT_MS", integer<&ServerConfig::http_read_timeout, IntegerBounds{0, false}>},
    {"HTTP_WRITE_TIMEOUT_MS", integer<&ServerConfig::http_write_timeout, IntegerBounds{0, false}>},
    {"HTTP_HEADERS_TIMEOUT_MS",
     integer<&ServerConfig::http_headers_timeout, IntegerBounds{0, false}>},
    {"HTTP_REQUEST_TIMEOUT_MS", read_http_request_timeout},
    {"SHUTDOWN_TIMEOUT_MS", integer<&ServerConfig::shutdown_timeout, IntegerBounds{0, true}>},
    {"PURGE_INTERVAL", duration<&ServerConfig::purge_interval>},
    {"METRICS_ALLOW_UNAUTHENTICATED", read_metrics_exposure},
};

}  // namespace

std::size_t default_http_threads() noexcept {
  const std::size_t concurrency = default_password_hash_concurrency();
  return std::min(kMaxHttpThreads, http_threads_besides_hashing() + concurrency +
                                       default_password_hash_queue_max(concurrency));
}

std::vector<std::string_view> server_setting_names() {
  std::vector<std::string_view> names;
  for (const auto& row : kTable) names.push_back(row.name);
  return names;
}

Result<ServerConfig> ServerConfig::from_env() { return from_env(process_environment); }

Result<ServerConfig> ServerConfig::from_env(const EnvLookup& lookup) {
  SettingsReader reader(lookup);
  ServerConfig config;
  config.library = Config::read(reader);  // first: HTTP_THREADS' default follows its hashing
  for (const auto& row : kTable) row.read(reader, row.name, config);
  if (auto problems = std::move(reader).finish(); !problems) return std::move(problems).error();
  return config;
}

}  // namespace authkit::server
