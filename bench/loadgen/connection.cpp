#include "connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

namespace loadgen {
namespace {

using Clock = std::chrono::steady_clock;

// The statuses the original's k6 script declares expected (its refresh replay wants a 401):
// anything else counts in k6's http_req_failed.
bool expected_status(int status) { return status == 200 || status == 201 || status == 401; }

std::uint32_t to_micros(Clock::duration elapsed) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  return static_cast<std::uint32_t>(
      std::clamp<long long>(us, 0, std::numeric_limits<std::uint32_t>::max()));
}

// The error envelope's code ({"error":{"code":...}}), or the status alone when there is none.
std::string error_label(int status, const std::string& body) {
  std::string label = std::to_string(status);
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object() && json.contains("error") && json["error"].is_object()) {
    const auto& code = json["error"]["code"];
    if (code.is_string()) label += " " + code.get<std::string>();
  }
  return label;
}

}  // namespace

Connection::Connection(const Endpoint& endpoint)
    : client_(endpoint.host, endpoint.port), timeout_(endpoint.timeout) {
  const auto timeout = endpoint.timeout;
  client_.set_connection_timeout(timeout);
  client_.set_read_timeout(timeout);
  client_.set_write_timeout(timeout);
  client_.set_keep_alive(endpoint.keep_alive);
  client_.set_tcp_nodelay(true);  // as the server: no Nagle delay on small requests
  if (!endpoint.source.empty()) {
    // cpp-httplib calls this on every new socket before it connects: binding here picks the
    // source address, so that one process can act as clients of several addresses.
    client_.set_socket_options([source = endpoint.source](int sock) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      local.sin_port = 0;
      if (inet_pton(AF_INET, source.c_str(), &local.sin_addr) == 1) {
        // A failed bind leaves the kernel's choice: the connect goes ahead from 127.0.0.1.
        (void)bind(sock, reinterpret_cast<const sockaddr*>(&local), sizeof local);
      }
    });
  }
}

Reply Connection::get(Recorder* recorder, std::string_view name, const std::string& path,
                      const std::string& bearer) {
  httplib::Headers headers{{"User-Agent", "authkit-loadgen/1"}};
  if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
  const auto start = Clock::now();
  auto result = client_.Get(path, headers);
  return record(recorder, name, result, Clock::now() - start);
}

Reply Connection::post(Recorder* recorder, std::string_view name, const std::string& path,
                       const std::string& json_body) {
  const httplib::Headers headers{{"User-Agent", "authkit-loadgen/1"}};
  const auto start = Clock::now();
  auto result = client_.Post(path, headers, json_body, "application/json");
  return record(recorder, name, result, Clock::now() - start);
}

Reply Connection::record(Recorder* recorder, std::string_view name, const httplib::Result& result,
                         Clock::duration elapsed) {
  Reply reply;
  if (result) {
    reply.status = result->status;
    reply.body = result->body;
  }
  if (recorder == nullptr) return reply;
  auto& stats = recorder->request(name);
  ++stats.sent;
  stats.latency_us.push_back(to_micros(elapsed));
  if (!result) {
    ++stats.transport_errors;
    ++stats.failed;
    // cpp-httplib says "Read" both for a connection reset and for a timeout: tell them apart.
    auto kind = httplib::to_string(result.error());
    if (elapsed >= timeout_) kind += " (timeout)";
    ++stats.transport[kind];
    return reply;
  }
  ++stats.statuses[reply.status];
  if (expected_status(reply.status)) {
    stats.expected_latency_us.push_back(stats.latency_us.back());
  } else {
    ++stats.failed;
  }
  if (reply.status >= 400) ++stats.error_codes[error_label(reply.status, reply.body)];
  if (reply.status == 503 && result->has_header("Retry-After")) ++stats.retry_after_503;
  return reply;
}

}  // namespace loadgen
