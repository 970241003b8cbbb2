// ConnectionStream: the httplib::Stream of one accepted connection, for its whole life, which
// decides what cpp-httplib may read (docs/server.md#the-http-edge).
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "request_head.hpp"

namespace authkit::server {

struct ConnectionTimeouts {
  std::chrono::milliseconds read{5000};      // one wait for bytes (HTTP_READ_TIMEOUT_MS)
  std::chrono::milliseconds write{5000};     // one wait to send (HTTP_WRITE_TIMEOUT_MS)
  std::chrono::milliseconds head{10000};     // a whole head, from its first byte
  std::chrono::milliseconds request{30000};  // a whole request, head and body
};

// cpp-httplib 0.11.4 makes a new buffered stream for every request of a connection, so bytes
// of a pipelined request read along with the previous one are lost, and it reads whatever a
// head and a body announce. This stream lives as long as the connection and keeps what it
// has read for the next request; per request it
//  1. reads the head whole (HeadScanner) within the head deadline and limits, and gives
//     cpp-httplib only that head (Range fields dropped);
//  2. after begin_body(n), gives cpp-httplib at most the n body bytes, then end of stream,
//     within the request deadline, so a body is never read past its framing.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(socket_t sock, ConnectionTimeouts timeouts, HeadLimits limits);
  ConnectionStream(const ConnectionStream&) = delete;
  ConnectionStream& operator=(const ConnectionStream&) = delete;

  // Waits for the first byte of the next request: true when one is there. False after `idle`
  // with nothing, at end of stream, on an error, or once keep_waiting() is false (asked after
  // every 50 ms without a byte).
  bool wait_for_request(std::chrono::milliseconds idle, const std::function<bool()>& keep_waiting);
  // Reads the next head (see HeadScanner). kNone: whole.
  HeadProblem read_head();
  // The head read last, as cpp-httplib reads it (Range fields dropped).
  std::string_view head() const noexcept { return head_; }
  // The request's body is the next `bytes` bytes.
  void begin_body(std::uint64_t bytes);
  // Every byte of the declared body was read by cpp-httplib.
  bool body_complete() const noexcept { return body_left_ == 0; }
  // A read gave up because the request deadline passed or no byte came for the read timeout.
  bool body_timed_out() const noexcept { return body_timed_out_; }
  // The peer ended its side (or the connection failed).
  bool peer_gone() const noexcept { return peer_gone_; }

  // Ends the connection after an answer: half-closes our side, so the answer is followed by
  // end of stream, then reads and drops what the client still sends (a refused body, a
  // pipelined request) until it closes or a bound passes (2 s, 4 MiB), and only then closes
  // the socket. Bytes arriving after the close would draw a reset, and a reset destroys an
  // answer the client has received but not yet read.
  void close_after_answer();
  // Closes at once (nothing was answered, or the peer is gone).
  void close_now();

  // httplib::Stream
  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return sock_; }

 private:
  enum class Phase { kIdle, kHead, kBody };
  enum class Wait { kReady, kTimeout, kError };
  Wait wait_readable(std::chrono::steady_clock::time_point deadline) const;
  // Receives into the buffer; false at end of stream or on an error.
  bool receive_more();

  socket_t sock_;
  ConnectionTimeouts timeouts_;
  HeadLimits limits_;
  Phase phase_ = Phase::kIdle;
  std::string buffer_;           // received, not yet consumed: head, body, later requests
  std::string head_;             // the head cpp-httplib reads
  std::size_t head_read_ = 0;    // of which read
  std::uint64_t body_left_ = 0;  // declared body bytes cpp-httplib has not read
  std::chrono::steady_clock::time_point request_deadline_;
  bool body_timed_out_ = false;
  bool peer_gone_ = false;
  bool closed_ = false;
};

}  // namespace authkit::server
