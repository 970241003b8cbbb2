// ConnectionStream: poll(2) before every recv/send, so every wait has a deadline of our own.
#include "connection_stream.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace authkit::server {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kReceiveChunk = 16 * 1024;
// Lingering close (see close_after_answer): until the client closes, which a client does as
// soon as it has read an answer with "Connection: close" and our end of stream. The bounds
// are long enough for a client on a normal link to finish sending a refused 1 MiB body, or
// the rest of a pipelined burst, and short enough that a client which never closes holds a
// thread for little.
constexpr auto kLingerTotal = std::chrono::seconds(2);
constexpr std::size_t kLingerMaxBytes = std::size_t{4} * 1024 * 1024;
// How often wait_for_request asks whether to keep waiting.
constexpr auto kIdleSlice = std::chrono::milliseconds(50);

int poll_ms(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 60 * 60 * 1000));
}

// poll(2) for one event until `deadline`: 1 ready, 0 timeout, -1 error.
int wait_for(socket_t sock, short events, Clock::time_point deadline) {
  while (true) {
    pollfd fd{sock, events, 0};
    const int n = ::poll(&fd, 1, poll_ms(deadline));
    if (n > 0) return 1;
    if (n == 0) {
      if (Clock::now() >= deadline) return 0;
      continue;
    }
    if (errno != EINTR) return -1;
  }
}

void address_of(const sockaddr_storage& addr, socklen_t length, std::string& ip, int& port) {
  if (addr.ss_family == AF_INET) {
    port = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  }
  std::array<char, NI_MAXHOST> host{};
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), length, host.data(),
                    static_cast<socklen_t>(host.size()), nullptr, 0, NI_NUMERICHOST) == 0) {
    ip = host.data();
  }
}

}  // namespace

ConnectionStream::ConnectionStream(socket_t sock, ConnectionTimeouts timeouts, HeadLimits limits)
    : sock_(sock), timeouts_(timeouts), limits_(limits) {}

ConnectionStream::Wait ConnectionStream::wait_readable(Clock::time_point deadline) const {
  const int ready = wait_for(sock_, POLLIN, deadline);
  if (ready > 0) return Wait::kReady;
  return ready == 0 ? Wait::kTimeout : Wait::kError;
}

bool ConnectionStream::receive_more() {
  std::array<char, kReceiveChunk> chunk;
  while (true) {
    const auto n = ::recv(sock_, chunk.data(), chunk.size(), MSG_DONTWAIT);
    if (n > 0) {
      buffer_.append(chunk.data(), static_cast<std::size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    // Readable but nothing to read is a spurious wake-up, not an end.
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    peer_gone_ = true;
    return false;
  }
}

bool ConnectionStream::wait_for_request(std::chrono::milliseconds idle,
                                        const std::function<bool()>& keep_waiting) {
  phase_ = Phase::kIdle;
  if (!buffer_.empty()) return true;  // a pipelined request is already here
  const auto deadline = Clock::now() + idle;
  while (true) {
    const auto now = Clock::now();
    if (now >= deadline) return false;
    switch (wait_readable(std::min(deadline, now + kIdleSlice))) {
      case Wait::kReady:
        if (!receive_more()) return false;
        if (!buffer_.empty()) return true;
        break;
      case Wait::kTimeout:
        // Asked only when nothing came: a request already on its way is served.
        if (!keep_waiting()) return false;
        break;
      case Wait::kError:
        peer_gone_ = true;
        return false;
    }
  }
}

HeadProblem ConnectionStream::read_head() {
  phase_ = Phase::kHead;
  head_.clear();
  head_read_ = 0;
  body_left_ = 0;
  body_timed_out_ = false;
  const auto start = Clock::now();
  const auto head_deadline = start + timeouts_.head;
  request_deadline_ = start + std::max(timeouts_.request, timeouts_.head);
  HeadScanner scanner(limits_);
  while (true) {
    const auto state = scanner.scan(buffer_);
    if (state == HeadScanner::State::kComplete) {
      head_ = scanner.head();
      buffer_.erase(0, scanner.consumed());
      return HeadProblem::kNone;
    }
    if (state == HeadScanner::State::kFailed) {
      head_ = scanner.head();
      buffer_.clear();
      return scanner.problem();
    }
    const auto wait = wait_readable(std::min(head_deadline, Clock::now() + timeouts_.read));
    if (wait == Wait::kReady && receive_more()) continue;
    // Whatever came is given to cpp-httplib, which fails on the unfinished head and answers
    // (408) if it got a request line.
    head_ = scanner.head();
    buffer_.clear();
    if (wait == Wait::kTimeout) return HeadProblem::kTimeout;
    peer_gone_ = true;
    return HeadProblem::kClosed;
  }
}

void ConnectionStream::begin_body(std::uint64_t bytes) {
  phase_ = Phase::kBody;
  body_left_ = bytes;
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (size == 0) return 0;
  if (phase_ == Phase::kHead) {
    // Past the head, cpp-httplib finds its end of stream: an unfinished head fails there.
    if (head_read_ >= head_.size()) return -1;
    const auto n = std::min(size, head_.size() - head_read_);
    std::memcpy(ptr, head_.data() + head_read_, n);
    head_read_ += n;
    return static_cast<ssize_t>(n);
  }
  if (phase_ != Phase::kBody) return -1;
  if (body_left_ == 0) return 0;  // the body ends here, whatever cpp-httplib expects
  const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(size, body_left_));
  if (!buffer_.empty()) {
    const auto n = std::min(want, buffer_.size());
    std::memcpy(ptr, buffer_.data(), n);
    buffer_.erase(0, n);
    body_left_ -= n;
    return static_cast<ssize_t>(n);
  }
  while (true) {
    switch (wait_readable(std::min(request_deadline_, Clock::now() + timeouts_.read))) {
      case Wait::kReady:
        break;
      case Wait::kTimeout:
        body_timed_out_ = true;
        return -1;
      case Wait::kError:
        peer_gone_ = true;
        return -1;
    }
    // Never more than the body: what follows stays in the socket for the next request.
    const auto n = ::recv(sock_, ptr, want, MSG_DONTWAIT);
    if (n > 0) {
      body_left_ -= static_cast<std::uint64_t>(n);
      return n;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    peer_gone_ = true;
    return -1;
  }
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  if (closed_) return -1;
  if (wait_for(sock_, POLLOUT, Clock::now() + timeouts_.write) <= 0) return -1;
  while (true) {
    const auto n = ::send(sock_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;  // cpp-httplib writes again
    peer_gone_ = true;
    return -1;
  }
}

bool ConnectionStream::is_readable() const {
  if (phase_ == Phase::kHead) return head_read_ < head_.size();
  if (!buffer_.empty()) return true;
  return wait_readable(Clock::now() + timeouts_.read) == Wait::kReady;
}

bool ConnectionStream::is_writable() const {
  return !closed_ && wait_for(sock_, POLLOUT, Clock::now() + timeouts_.write) > 0;
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t length = sizeof addr;
  if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    address_of(addr, length, ip, port);
  }
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t length = sizeof addr;
  if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    address_of(addr, length, ip, port);
  }
}

void ConnectionStream::close_after_answer() {
  if (closed_) return;
  if (!peer_gone_ && ::shutdown(sock_, SHUT_WR) == 0) {
    const auto end = Clock::now() + kLingerTotal;
    std::array<char, kReceiveChunk> sink;
    std::size_t dropped = 0;
    while (dropped < kLingerMaxBytes) {
      if (wait_readable(end) != Wait::kReady) break;
      const auto n = ::recv(sock_, sink.data(), sink.size(), MSG_DONTWAIT);
      if (n == 0) break;  // the client closed: nothing unread is left
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        break;
      }
      dropped += static_cast<std::size_t>(n);
    }
  }
  close_now();
}

void ConnectionStream::close_now() {
  if (closed_) return;
  closed_ = true;
  ::close(sock_);
}

}  // namespace authkit::server
