// EdgeServer: cpp-httplib's Server with the connection loop run by us, so that every byte it
// parses has passed our limits and deadlines first (docs/server.md#the-http-edge).
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "connection_stream.hpp"
#include "elastic_thread_pool.hpp"
#include "request_framing.hpp"
#include "request_head.hpp"

namespace authkit::server {

struct EdgeSettings {
  ConnectionTimeouts timeouts;
  HeadLimits head_limits;
  PoolLimits pool;
  std::uint64_t max_body_bytes = std::uint64_t{1024} * 1024;
  std::chrono::seconds keep_alive_timeout{5};
  std::size_t keep_alive_max = 100;
  // cpp-httplib listens with a backlog of 5: a burst of new connections past it waits for
  // SYN retransmissions (1 s, 3 s, ...). The kernel caps this at net.core.somaxconn.
  int listen_backlog = 1024;
};

// One request of a connection as the edge saw it. Handlers reach the one being answered on
// their thread through current_exchange().
class Exchange {
 public:
  explicit Exchange(const ConnectionStream& stream) : stream_(stream) {}

  // Why the head could not be read whole (kNone: it was).
  HeadProblem head_problem() const noexcept { return head_problem_; }
  // cpp-httplib parsed the head and the framing was decided from it.
  bool framed() const noexcept { return framed_; }
  const Framing& framing() const noexcept { return framing_; }
  // The request head as the client sent it (Range fields dropped): it keeps what
  // cpp-httplib's parsed headers lose, such as a field with an empty value.
  std::string_view raw_head() const noexcept { return stream_.head(); }
  // The body did not arrive within the request deadline or the read timeout.
  bool body_timed_out() const noexcept { return stream_.body_timed_out(); }
  // The connection ends after this answer: the head was not read whole, the framing says so,
  // the declared body was not read whole (a refusal before the body, a GET with a body), or
  // this is the last request a connection may carry. Otherwise the next request is read
  // from the first byte after this one's body, never from inside it.
  bool closes_connection() const noexcept;

 private:
  friend class EdgeServer;
  const ConnectionStream& stream_;
  HeadProblem head_problem_ = HeadProblem::kNone;
  Framing framing_;
  bool framed_ = false;
  bool last_ = false;
};

// The exchange being answered on the calling thread; null outside the server's connections.
const Exchange* current_exchange() noexcept;

class EdgeServer final : public httplib::Server {
 public:
  explicit EdgeServer(EdgeSettings settings);

  // bind_to_port, then the listen backlog of the settings.
  bool bind_with_backlog(const std::string& host, int port);
  // The whole HTTP answer (status line to body) written to a connection shed because every
  // thread is busy and the waiting line is full; then the connection is closed.
  void set_overload_answer(std::function<std::string()> answer) {
    overload_answer_ = std::move(answer);
  }

 private:
  // cpp-httplib's per-connection entry point, called on a pool thread for every accepted
  // socket (a private virtual: overriding it is how httplib lets a subclass serve a socket).
  bool process_and_close_socket(socket_t sock) override;
  void shed(socket_t sock) const;
  bool keep_waiting() const;

  EdgeSettings settings_;
  std::function<std::string()> overload_answer_;
  // The live task queue (created by listen(), destroyed when it returns); read by idle
  // connections to give their thread up when connections wait for one.
  std::atomic<ElasticThreadPool*> pool_{nullptr};
};

}  // namespace authkit::server
