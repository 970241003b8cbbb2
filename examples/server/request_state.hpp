// Per-request state (correlation id, client IP, start time) kept for the worker thread.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace authkit::server {

// cpp-httplib runs each request start to finish on one worker thread and gives handlers a
// const Request, so the state the middlewares share lives in a thread_local slot, opened when
// the request is first seen and closed by the request logger.
struct RequestState {
  bool active = false;
  std::chrono::steady_clock::time_point start;
  std::string correlation_id;
  std::string client_ip;
  std::string route;    // the matched route's path template ("" : no route matched)
  std::string user_id;  // set by authenticated routes, for the request log
  std::string session_id;
};

// The calling thread's request state, opened for `req` when no request is open yet.
RequestState& request_state(const httplib::Request& req, std::int64_t trust_proxy);
// Closes the calling thread's request state (after the request log line is written).
void close_request_state() noexcept;

}  // namespace authkit::server
