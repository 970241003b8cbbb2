// The smoke check's HTTP client: one request at a time to one deployment, each bounded in time
// and in the size of its answer, with its latency measured.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "smoke_target.hpp"

namespace httplib {
class Client;
}

namespace authkit::server {

// What one request brought back. `answered` is false when no whole HTTP answer arrived; then
// `failure` says why in words an operator can act on.
struct SmokeAnswer {
  bool answered = false;
  int status = 0;
  std::string body;      // at most SmokeHttp::kMaxBody bytes
  std::string location;  // the Location header of a redirect, else ""
  std::string failure;
  // False only when the request surely never reached the server (no connection, no TLS).
  bool request_sent = true;
  std::chrono::milliseconds latency{0};
};

class SmokeHttp {
 public:
  // Larger answers are refused: every answer of the REST contract is a few hundred bytes.
  static constexpr std::size_t kMaxBody = 64 * 1024;

  // `timeout` bounds each request as a whole (connecting, TLS, sending, the whole answer), not
  // only each wait on the socket, so a server that trickles bytes cannot hold the check.
  // `ca_file` (PEM) replaces the system's certificate authorities for https when not empty.
  SmokeHttp(const SmokeTarget& target, std::chrono::seconds timeout, const std::string& ca_file,
            std::string user_agent);
  ~SmokeHttp();
  SmokeHttp(const SmokeHttp&) = delete;
  SmokeHttp& operator=(const SmokeHttp&) = delete;

  // Sends `method` to the deployment's `path` (its base path prepended) with a JSON body when
  // `json_body` is not empty, a bearer token when `bearer` is not empty, and `correlation_id`
  // as x-correlation-id so the server's log lines of this request can be found.
  SmokeAnswer send(std::string_view method, std::string_view path, const std::string& json_body,
                   const std::string& bearer, const std::string& correlation_id);

 private:
  SmokeTarget target_;
  std::chrono::seconds timeout_;
  std::string user_agent_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace authkit::server
