// HttpServer: cpp-httplib set up as the contract wants (docs/api.md#http-behaviour), with a table
// of routes.
#pragma once

#include <httplib.h>

#include <atomic>
#include <authkit/logger.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "edge_server.hpp"
#include "route.hpp"
#include "server_config.hpp"

namespace authkit::server {

inline constexpr std::size_t kMaxBodyBytes = std::size_t{1024} * 1024;  // 1 MiB, as the original

// Not copyable; routes are added before listen(). listen() blocks; stop() may be called from
// another thread (the signal thread) and makes listen() return once in-flight requests are done.
class HttpServer {
 public:
  HttpServer(const ServerConfig& config, std::shared_ptr<Logger> logger);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void add(Route route);
  // Called after each response to a matched route, with the route's path template and the
  // duration in seconds (for auth_api_http_request_duration_seconds). Set before listen().
  using RequestObserver =
      std::function<void(std::string_view method, std::string_view route, int status, double)>;
  void set_request_observer(RequestObserver observer) { observer_ = std::move(observer); }
  const std::vector<Route>& routes() const noexcept { return routes_; }

  // Binds PORT on all interfaces, dual-stack when the system allows. False when it cannot bind.
  bool bind();
  // Serves until stop(); false on a listening error.
  bool listen();
  void stop();
  bool running() const { return server_.is_running(); }

  // Sends `error` as the JSON envelope with the request's correlation id.
  void send_error(const httplib::Request& req, httplib::Response& res, const Error& error) const;
  // The request's correlation id and client IP (opened on first use).
  const std::string& correlation_id(const httplib::Request& req) const;
  const std::string& client_ip(const httplib::Request& req) const;

 private:
  void install_middlewares();
  void log_request(const httplib::Request& req, const httplib::Response& res) const;
  // The refusal a request gets from its head alone, before its body is read (framing,
  // Content-Encoding); nullopt when the body may be read.
  std::optional<Error> refusal_before_body(const httplib::Request& req) const;
  // The 503 written to a connection shed because the server is full (EdgeServer).
  std::string overload_answer() const;

  const ServerConfig& config_;
  std::shared_ptr<Logger> logger_;
  EdgeServer server_;
  std::vector<Route> routes_;
  RequestObserver observer_;
};

}  // namespace authkit::server
