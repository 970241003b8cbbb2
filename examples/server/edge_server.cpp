// EdgeServer: the keep-alive loop of a connection, over one ConnectionStream.
#include "edge_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

namespace authkit::server {
namespace {

thread_local const Exchange* current = nullptr;

// Publishes an exchange to the handlers running on this thread for as long as it is answered.
class CurrentExchange {
 public:
  explicit CurrentExchange(const Exchange& exchange) { current = &exchange; }
  ~CurrentExchange() { current = nullptr; }
  CurrentExchange(const CurrentExchange&) = delete;
  CurrentExchange& operator=(const CurrentExchange&) = delete;
};

}  // namespace

const Exchange* current_exchange() noexcept { return current; }

bool Exchange::closes_connection() const noexcept {
  return head_problem_ != HeadProblem::kNone || !framed_ || framing_.close || last_ ||
         !stream_.body_complete() || stream_.body_timed_out() || stream_.peer_gone();
}

EdgeServer::EdgeServer(EdgeSettings settings) : settings_(settings) {
  new_task_queue = [this] {
    auto* pool = new ElasticThreadPool(settings_.pool);
    pool_.store(pool);
    return pool;
  };
  // What cpp-httplib still does itself with these: the Keep-Alive header of its answers and
  // the socket timeouts it sets on accepted sockets. Every wait of ours has its own deadline.
  set_keep_alive_max_count(settings_.keep_alive_max);
  set_keep_alive_timeout(settings_.keep_alive_timeout.count());
  set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(settings_.timeouts.read));
  set_write_timeout(
      std::chrono::duration_cast<std::chrono::microseconds>(settings_.timeouts.write));
  set_payload_max_length(static_cast<std::size_t>(settings_.max_body_bytes));
}

bool EdgeServer::bind_with_backlog(const std::string& host, int port) {
  if (!bind_to_port(host, port)) return false;
  // Listening again on a listening socket only changes its backlog.
  static_cast<void>(::listen(svr_sock_.load(), settings_.listen_backlog));
  return true;
}

bool EdgeServer::keep_waiting() const {
  if (svr_sock_.load() == INVALID_SOCKET) return false;  // stopping: idle connections end now
  const auto* pool = pool_.load();
  return pool == nullptr || !pool->has_waiting();
}

void EdgeServer::shed(socket_t sock) const {
  if (overload_answer_) {
    const auto answer = overload_answer_();
    // Best effort, never blocking the accepting thread: a fresh socket's send buffer holds it.
    static_cast<void>(::send(sock, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT));
    ::shutdown(sock, SHUT_WR);
  }
  ::close(sock);
}

bool EdgeServer::process_and_close_socket(socket_t sock) {
  if (ElasticThreadPool::shedding()) {
    shed(sock);
    return false;
  }
  ConnectionStream stream(sock, settings_.timeouts, settings_.head_limits);
  bool ok = true;
  // True once a request began and until it was answered with the connection kept: the client
  // may still be sending (a refused body, pipelined requests, the rest of an oversized head).
  bool mid_exchange = false;
  for (std::size_t served = 0; ok && served < settings_.keep_alive_max; ++served) {
    mid_exchange = false;
    if (svr_sock_.load() == INVALID_SOCKET) break;  // stopping: no new request is started
    if (!stream.wait_for_request(settings_.keep_alive_timeout, [this] { return keep_waiting(); })) {
      break;
    }
    Exchange exchange(stream);
    exchange.head_problem_ = stream.read_head();
    if (exchange.head_problem_ == HeadProblem::kClosed) break;  // nobody left to answer
    mid_exchange = true;
    exchange.last_ = served + 1 == settings_.keep_alive_max;
    const CurrentExchange scope(exchange);
    bool client_closes = false;
    // A protected member of httplib::Server: it parses the head (from our stream), calls
    // back here once it has, routes, and writes the answer.
    ok = process_request(stream, exchange.last_, client_closes, [&](httplib::Request& req) {
      exchange.framing_ = frame_request(req, settings_.max_body_bytes);
      exchange.framed_ = true;
      req.ranges.clear();  // no Range field reaches the parser (HeadScanner): nothing to apply
      const bool refused = exchange.framing_.refusal != Framing::Refusal::kNone;
      stream.begin_body(refused ? 0 : exchange.framing_.body_bytes);
    });
    if (client_closes || exchange.closes_connection()) break;
  }
  if (mid_exchange && !stream.peer_gone()) {
    stream.close_after_answer();
  } else {
    stream.close_now();
  }
  return ok;
}

}  // namespace authkit::server
