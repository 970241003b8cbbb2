// App: the server's parts (configuration, sinks, store, HTTP server and its routes) in one place.
#pragma once

#include <authkit/config.hpp>
#include <authkit/logger.hpp>
#include <authkit/metrics.hpp>
#include <authkit/store.hpp>
#include <memory>
#include <mutex>

#include "http_server.hpp"

namespace authkit::server {

// Built once in main(); the routes are in place after construction (nothing is opened yet).
class App {
 public:
  App(Config config, std::shared_ptr<Logger> logger);
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  const Config& config() const noexcept { return config_; }
  Logger& logger() const noexcept { return *logger_; }
  HttpServer& http() noexcept { return http_; }

  // Opens the database (and applies migrations to sqlite::memory:, which nothing else could
  // migrate). The error names no URL: it may carry a password.
  Result<void> open_store();

 private:
  Config config_;
  std::shared_ptr<Logger> logger_;
  // The server's own metrics until the AuthService owns the registry.
  MetricsRegistry metrics_;
  HistogramFamily* request_duration_ = nullptr;
  std::mutex store_mutex_;
  std::unique_ptr<Store> store_;
  HttpServer http_;
};

// The `serve` command: listens until SIGTERM/SIGINT, then stops accepting, drains in-flight
// requests within SHUTDOWN_TIMEOUT_MS and returns the exit code.
int serve(App& app);

}  // namespace authkit::server
