// HttpServer: tuning, middlewares (correlation id, logging, headers, JSON errors) and routes.
#include "http_server.hpp"
#include "text.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <authkit/error.hpp>
#include <authkit/json.hpp>
#include <chrono>

#include "correlation_id.hpp"
#include "request_framing.hpp"
#include "request_state.hpp"

namespace authkit::server {
namespace {

// The envelope for a status cpp-httplib set on its own (unknown route, body too large, a
// request it could not parse): docs/compatibility.md#body-parser-errors,
// docs/compatibility.md#framework-defaults.
Error error_for_status(int status) {
  switch (status) {
    case 400:
      return Error(ErrorCode::kInvalidPayload);
    case 404:
      return Error(ErrorCode::kNotFound);
    case 408:
      return Error(ErrorCode::kRequestTimeout);
    case 413:
      return Error(ErrorCode::kPayloadTooLarge);
    case 414:  // a request line over 8 KiB: part of the head, as Node counts it
    case 431:
      return Error(ErrorCode::kRequestHeaderFieldsTooLarge);
    case 415:
      return Error(ErrorCode::kUnsupportedMediaType);
    default:
      return std::move(Error(ErrorCode::kInternalServerError)).with_status(status);
  }
}

// What a request the edge could not read whole is answered (docs/compatibility.md#the-http-edge):
// cpp-httplib only knows that the head or the body failed (400).
Error error_for_exchange(int status) {
  const auto* exchange = current_exchange();
  if (exchange == nullptr) return error_for_status(status);
  switch (exchange->head_problem()) {
    case HeadProblem::kTooLarge:
    case HeadProblem::kTooManyFields:
      return Error(ErrorCode::kRequestHeaderFieldsTooLarge);
    case HeadProblem::kTimeout:
      return Error(ErrorCode::kRequestTimeout);
    case HeadProblem::kMalformed: {
      Error error(ErrorCode::kInvalidPayload);
      error.details.push_back({"headers", "malformed request head"});
      return error;
    }
    case HeadProblem::kClosed:
    case HeadProblem::kNone:
      break;
  }
  if (exchange->body_timed_out()) return Error(ErrorCode::kRequestTimeout);
  return error_for_status(status);
}

EdgeSettings edge_settings(const ServerConfig& config) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  EdgeSettings settings;
  settings.timeouts.read = duration_cast<milliseconds>(config.http_read_timeout);
  settings.timeouts.write = duration_cast<milliseconds>(config.http_write_timeout);
  settings.timeouts.head = duration_cast<milliseconds>(config.http_headers_timeout);
  settings.timeouts.request = duration_cast<milliseconds>(config.http_request_timeout);
  settings.pool.min_threads = config.http_threads;
  settings.pool.max_threads = std::max(config.http_max_threads, config.http_threads);
  settings.pool.max_waiting = settings.pool.max_threads;
  settings.max_body_bytes = kMaxBodyBytes;
  settings.keep_alive_max = static_cast<std::size_t>(config.http_keep_alive_max);
  settings.keep_alive_timeout = std::chrono::seconds(5);  // the original's Keep-Alive: timeout=5
  return settings;
}

}  // namespace

HttpServer::HttpServer(const ServerConfig& config, std::shared_ptr<Logger> logger)
    : config_(config), logger_(std::move(logger)), server_(edge_settings(config_)) {
  // Debian's cpp-httplib is compiled with defaults that cripple a server (Nagle on, keep-alive
  // closed after 5 requests, 8 threads, one per open connection): EdgeServer sets threads,
  // keep-alive, timeouts and the body limit from configuration; Nagle is turned off here.
  server_.set_tcp_nodelay(true);
  server_.set_socket_options([](socket_t sock) {
    // Replaces httplib's default, which adds SO_REUSEPORT: two servers must not share a port.
    int yes = 1;
    static_cast<void>(::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes));
    // Dual stack: an IPv6 socket on "::" also takes IPv4 peers.
    int no = 0;
    static_cast<void>(::setsockopt(sock, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof no));
  });
  server_.set_overload_answer([this] { return overload_answer(); });
  install_middlewares();
}

std::optional<Error> HttpServer::refusal_before_body(const httplib::Request& req) const {
  if (const auto* exchange = current_exchange(); exchange != nullptr && exchange->framed()) {
    switch (exchange->framing().refusal) {
      case Framing::Refusal::kTransferEncoding: {
        // Chunked bodies would be read by httplib without the 1 MiB limit.
        Error error(ErrorCode::kInvalidPayload);
        const bool chunked =
            lower(req.get_header_value("Transfer-Encoding")).find("chunked") != std::string::npos;
        error.details.push_back({"body", chunked
                                             ? "chunked request bodies are not accepted"
                                             : "transfer-coded request bodies are not accepted"});
        return error;
      }
      case Framing::Refusal::kInvalidContentLength: {
        Error error(ErrorCode::kInvalidPayload);
        error.details.push_back({"headers", "Content-Length must be one decimal number"});
        return error;
      }
      case Framing::Refusal::kTooLarge:
        return Error(ErrorCode::kPayloadTooLarge);
      case Framing::Refusal::kNone:
        break;
    }
  }
  if (!has_body_method(req.method)) return std::nullopt;
  // Compressed bodies are inflated by httplib without the 1 MiB limit; refuse them
  // (docs/compatibility.md#body-parser-errors).
  const auto encoding = lower(req.get_header_value("Content-Encoding"));
  if (!encoding.empty() && encoding != "identity") {
    return Error(ErrorCode::kUnsupportedMediaType);
  }
  return std::nullopt;
}

void HttpServer::install_middlewares() {
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    // A fresh state for every routed request, even if a previous one on this thread was never
    // logged; the correlation id comes first, for every later step
    // (docs/compatibility.md#body-parser-errors).
    close_request_state();
    request_state(req, config_.trust_proxy);
    // The body has not been read yet: a refusal here leaves it unread, and the edge closes the
    // connection after the answer (Exchange::closes_connection), never parsing it as a request.
    if (auto refusal = refusal_before_body(req)) {
      send_error(req, res, *refusal);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // "Expect: 100-continue": refuse before the client sends the body, with the answer the
  // pre-routing handler would give once it had.
  server_.set_expect_100_continue_handler(
      [this](const httplib::Request& req, httplib::Response& res) {
        close_request_state();
        request_state(req, config_.trust_proxy);
        if (auto refusal = refusal_before_body(req)) {
          send_error(req, res, *refusal);
          return res.status;
        }
        return 100;
      });

  server_.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                        httplib::Response& res) {
    // Called for every status >= 400: a handler's own error body is kept. Handled either
    // way: only then does httplib set Content-Length on an answer it writes without
    // routing (the refusal of an "Expect: 100-continue" request).
    if (res.body.empty()) send_error(req, res, error_for_exchange(res.status));
    // A HEAD request whose head cpp-httplib could not parse (too long, malformed): it does
    // not know the method and would write the body, which the client, having asked for
    // none, would read as the start of the next answer.
    if (const auto* exchange = current_exchange();
        exchange != nullptr && req.method != "HEAD" && exchange->raw_head().starts_with("HEAD ")) {
      res.body.clear();
    }
    return httplib::Server::HandlerResponse::Handled;
  }));

  server_.set_exception_handler([this](const httplib::Request& req, httplib::Response& res,
                                       const std::exception_ptr&) {
    if (logger_) {
      logger_->log(LogLevel::kError, "unhandled_error", {{"correlationId", correlation_id(req)}});
    }
    res.body.clear();
    send_error(req, res, Error(ErrorCode::kInternalServerError));
  });

  server_.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    res.set_header("x-correlation-id", correlation_id(req));
    res.set_header("X-Content-Type-Options", "nosniff");
    // httplib adds "Content-Length: 0" to empty responses; a 204 carries none
    // (docs/api.md#routing).
    if (res.status == 204) res.headers.erase("Content-Length");
    if (!res.has_header("Cache-Control") &&
        (res.status >= 400 || lower(req.path).starts_with("/v1/auth"))) {
      res.set_header("Cache-Control", "no-store");
    }
    // httplib advertises ranges on HEAD answers; no answer of this server has any.
    res.headers.erase("Accept-Ranges");
    // httplib announces keep-alive unless the client asked to close; the edge knows better
    // (a refused body left unread, a head it could not read whole, ...).
    if (const auto* exchange = current_exchange();
        exchange != nullptr && exchange->closes_connection()) {
      res.headers.erase("Keep-Alive");
      res.headers.erase("Connection");
      res.set_header("Connection", "close");
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
  // req.path never holds the query string: a token or e-mail in it is not logged
  // (docs/compatibility.md#request-log-and-correlation-id).
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
  if (server_.bind_with_backlog("::", port)) return true;
  // No IPv6 on this host: IPv4 only.
  return server_.bind_with_backlog("0.0.0.0", port);
}

bool HttpServer::listen() { return server_.listen_after_bind(); }

void HttpServer::stop() { server_.stop(); }

void HttpServer::send_error(const httplib::Request& req, httplib::Response& res,
                            const Error& error) const {
  res.status = error.status;
  res.set_content(json::error_envelope(error, correlation_id(req)),
                  "application/json; charset=utf-8");
}

std::string HttpServer::overload_answer() const {
  // Written raw on the accepting thread (no request was read): the same envelope, headers of
  // every error answer, and a fresh correlation id.
  const auto id = correlation_id_from({});
  const auto body = json::error_envelope(Error(ErrorCode::kServiceUnavailable), id);
  return "HTTP/1.1 503 Service Unavailable\r\n"
         "Content-Type: application/json; charset=utf-8\r\n"
         "Content-Length: " +
         std::to_string(body.size()) +
         "\r\n"
         "Connection: close\r\n"
         "Retry-After: 1\r\n"
         "Cache-Control: no-store\r\n"
         "X-Content-Type-Options: nosniff\r\n"
         "x-correlation-id: " +
         id + "\r\n\r\n" + body;
}

const std::string& HttpServer::correlation_id(const httplib::Request& req) const {
  return request_state(req, config_.trust_proxy).correlation_id;
}

const std::string& HttpServer::client_ip(const httplib::Request& req) const {
  return request_state(req, config_.trust_proxy).client_ip;
}

}  // namespace authkit::server
