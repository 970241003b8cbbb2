// HttpServer: tuning, middlewares (correlation id, logging, headers, JSON errors) and routes.
#include "http_server.hpp"
#include "text.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <authkit/error.hpp>
#include <authkit/json.hpp>
#include <chrono>

#include "request_state.hpp"

namespace authkit::server {
namespace {

// The envelope for a status cpp-httplib set on its own (unknown route, body too large, a
// request it could not parse): W1, W27.
Error error_for_status(int status) {
  switch (status) {
    case 400:
      return Error(ErrorCode::kInvalidPayload);
    case 404:
      return Error(ErrorCode::kNotFound);
    case 413:
      return Error(ErrorCode::kPayloadTooLarge);
    case 415:
      return Error(ErrorCode::kUnsupportedMediaType);
    default:
      return std::move(Error(ErrorCode::kInternalServerError)).with_status(status);
  }
}

bool has_body_method(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

HttpServer::HttpServer(const Config& config, std::shared_ptr<Logger> logger)
    : config_(config), logger_(std::move(logger)) {
  // Debian's cpp-httplib is compiled with defaults that cripple a server (Nagle on, keep-alive
  // closed after 5 requests, 8 threads, one per open connection): set them from configuration.
  const std::size_t threads = config_.http_threads;
  server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_.set_tcp_nodelay(true);
  server_.set_keep_alive_max_count(static_cast<std::size_t>(config_.http_keep_alive_max));
  server_.set_keep_alive_timeout(5);  // the original's Keep-Alive: timeout=5
  server_.set_read_timeout(
      std::chrono::duration_cast<std::chrono::microseconds>(config_.http_read_timeout));
  server_.set_write_timeout(
      std::chrono::duration_cast<std::chrono::microseconds>(config_.http_write_timeout));
  server_.set_payload_max_length(kMaxBodyBytes);
  server_.set_socket_options([](socket_t sock) {
    // Replaces httplib's default, which adds SO_REUSEPORT: two servers must not share a port.
    int yes = 1;
    static_cast<void>(::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes));
    // Dual stack: an IPv6 socket on "::" also takes IPv4 peers.
    int no = 0;
    static_cast<void>(::setsockopt(sock, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof no));
  });
  install_middlewares();
}

void HttpServer::install_middlewares() {
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    // A fresh state for every routed request, even if a previous one on this thread was never
    // logged; the correlation id comes first, for every later step (W1).
    close_request_state();
    request_state(req, config_.trust_proxy);
    if (!has_body_method(req.method)) return httplib::Server::HandlerResponse::Unhandled;
    // Compressed bodies are inflated by httplib without the 1 MiB limit; refuse them (W1).
    const auto encoding = lower(req.get_header_value("Content-Encoding"));
    if (!encoding.empty() && encoding != "identity") {
      send_error(req, res, Error(ErrorCode::kUnsupportedMediaType));
      return httplib::Server::HandlerResponse::Handled;
    }
    // Chunked bodies are read by httplib without the 1 MiB limit too.
    if (lower(req.get_header_value("Transfer-Encoding")).find("chunked") != std::string::npos) {
      Error error(ErrorCode::kInvalidPayload);
      error.details.push_back({"body", "chunked request bodies are not accepted"});
      send_error(req, res, error);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  server_.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        // Called for every status >= 400: a handler's own error body is kept.
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        send_error(req, res, error_for_status(res.status));
        return httplib::Server::HandlerResponse::Handled;
      }));

  server_.set_exception_handler([this](const httplib::Request& req, httplib::Response& res,
                                       std::exception_ptr) {
    if (logger_) {
      logger_->log(LogLevel::kError, "unhandled_error", {{"correlationId", correlation_id(req)}});
    }
    res.body.clear();
    send_error(req, res, Error(ErrorCode::kInternalServerError));
  });

  server_.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    res.set_header("x-correlation-id", correlation_id(req));
    res.set_header("X-Content-Type-Options", "nosniff");
    // httplib adds "Content-Length: 0" to empty responses; a 204 carries none (spec §1.2).
    if (res.status == 204) res.headers.erase("Content-Length");
    if (!res.has_header("Cache-Control") &&
        (res.status >= 400 || lower(req.path).starts_with("/v1/auth"))) {
      res.set_header("Cache-Control", "no-store");
    }
  });

  server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    log_request(req, res);
    close_request_state();
  });
}

void HttpServer::log_request(const httplib::Request& req, const httplib::Response& res) const {
  auto& state = request_state(req, config_.trust_proxy);
  const auto elapsed = std::chrono::steady_clock::now() - state.start;
  if (observer_ && !state.route.empty()) {
    observer_(req.method, state.route, res.status,
              std::chrono::duration_cast<std::chrono::duration<double>>(elapsed).count());
  }
  if (!logger_) return;
  LogFields fields{{"correlationId", state.correlation_id}};
  if (!state.user_id.empty()) fields.emplace_back("userId", state.user_id);
  if (!state.session_id.empty()) fields.emplace_back("sessionId", state.session_id);
  fields.emplace_back("method", req.method);
  // req.path never holds the query string: a token or e-mail in it is not logged (W26).
  fields.emplace_back("url", req.path);
  fields.emplace_back("statusCode", std::int64_t{res.status});
  // Whole milliseconds, as the original's Date.now() difference.
  fields.emplace_back(
      "durationMs",
      std::int64_t{std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()});
  logger_->log(LogLevel::kInfo, "http_request", fields);
}

void HttpServer::add(Route route) {
  const auto pattern = route_pattern(route.path);
  auto handler = [this, path = route.path, inner = route.handler](const httplib::Request& req,
                                                                  httplib::Response& res) {
    request_state(req, config_.trust_proxy).route = path;
    inner(req, res);
  };
  if (route.method == "GET") {
    server_.Get(pattern, handler);
  } else if (route.method == "POST") {
    server_.Post(pattern, handler);
  } else if (route.method == "DELETE") {
    server_.Delete(pattern, handler);
  } else if (route.method == "PUT") {
    server_.Put(pattern, handler);
  } else if (route.method == "PATCH") {
    server_.Patch(pattern, handler);
  }
  routes_.push_back(std::move(route));
}

bool HttpServer::bind() {
  const int port = static_cast<int>(config_.port);
  if (server_.bind_to_port("::", port)) return true;
  // No IPv6 on this host: IPv4 only.
  return server_.bind_to_port("0.0.0.0", port);
}

bool HttpServer::listen() { return server_.listen_after_bind(); }

void HttpServer::stop() { server_.stop(); }

void HttpServer::send_error(const httplib::Request& req, httplib::Response& res,
                            const Error& error) const {
  res.status = error.status;
  res.set_content(json::error_envelope(error, correlation_id(req)),
                  "application/json; charset=utf-8");
}

const std::string& HttpServer::correlation_id(const httplib::Request& req) const {
  return request_state(req, config_.trust_proxy).correlation_id;
}

const std::string& HttpServer::client_ip(const httplib::Request& req) const {
  return request_state(req, config_.trust_proxy).client_ip;
}

}  // namespace authkit::server
