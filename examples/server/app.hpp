// App: the server's parts (configuration, sinks, AuthService, HTTP server and routes) in one place.
#pragma once

#include <authkit/auth_service.hpp>
#include <authkit/json_lines_sink.hpp>
#include <memory>
#include <string>

#include "http_server.hpp"
#include "server_config.hpp"

namespace authkit::server {

// Built once in main(); the routes are in place after construction, but the AuthService (and so
// the database) is opened only by open(): `routes` never touches the database.
class App {
 public:
  App(ServerConfig config, std::shared_ptr<JsonLinesSink> sink);
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  const ServerConfig& config() const noexcept { return config_; }
  Logger& logger() const noexcept { return *sink_; }
  HttpServer& http() noexcept { return http_; }

  // Opens the AuthService: its store (migrated) and rate limiter. The error names no URL.
  Result<void> open();
  // Deletes what ended more than PURGE_RETENTION ago. After open().
  Result<PurgeResult> purge() { return service_->purge(); }

 private:
  ServerConfig config_;
  std::shared_ptr<JsonLinesSink> sink_;
  // Set by open() before the server listens; the route handlers read it per request.
  std::unique_ptr<AuthService> service_;
  HttpServer http_;
};

// What an operator reads on stderr when start-up fails: the message, then the library's
// diagnostic (what went wrong and what to do; it never carries a secret or a database URL).
std::string startup_error_text(const Error& error);

// The `serve` command: listens until SIGTERM/SIGINT, then stops accepting, drains in-flight
// requests within SHUTDOWN_TIMEOUT_MS and returns the exit code.
int serve(App& app);

}  // namespace authkit::server
