// Reading a request head (request line and header fields) whole, under limits, before
// cpp-httplib parses it: see docs/server.md#the-http-edge.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace authkit::server {

// The limits of one request head. 16 KiB is Node's default --max-http-header-size, so the
// original refused (431) exactly the heads this refuses; 100 fields is Apache's default
// LimitRequestFields (browsers send 10 to 20).
struct HeadLimits {
  std::size_t max_bytes = 16 * 1024;  // request line + fields + the empty line, raw bytes
  std::size_t max_fields = 100;
  // One field line, CRLF included: cpp-httplib 0.11.4 fails a longer one with a bare 400
  // (CPPHTTPLIB_HEADER_MAX_LENGTH), which this turns into the 431 of an oversized head.
  std::size_t max_field_line_bytes = 8192;
};

// Why a head could not be read whole. kNone: it was.
enum class HeadProblem {
  kNone,
  kTooLarge,       // over max_bytes, or a field line over its limit     -> 431
  kTooManyFields,  // more than max_fields field lines                   -> 431
  kMalformed,      // bare LF, obs-fold, a field line without a name    -> 400
  kTimeout,        // not whole within the head deadline                -> 408
  kClosed,         // the peer closed or failed mid-head: nobody to answer
};

// Scans a head as its bytes arrive; total work is linear in the bytes fed. What cpp-httplib
// then reads is `head()`: the request line and the kept field lines, with
//  - empty lines before the request line dropped (RFC 9112 section 2.2 lets a server ignore
//    them; some clients send a CRLF after a POST body), and
//  - every `Range` field dropped: no answer of this server has ranges (RFC 9110 section 14.2
//    lets a server ignore Range), and cpp-httplib would otherwise answer a Range itself (206,
//    multipart/byteranges, or 416) instead of the JSON contract.
class HeadScanner {
 public:
  enum class State { kNeedMore, kComplete, kFailed };

  explicit HeadScanner(HeadLimits limits) : limits_(limits) {}

  // `received` is every byte received since the head began (a prefix-growing buffer): only
  // the bytes not seen by the previous call are scanned.
  State scan(std::string_view received);

  // After kFailed: why. kTooLarge when bytes ran past the limit without an end of line.
  HeadProblem problem() const noexcept { return problem_; }
  // The bytes of `received` that belong to the head (dropped lines included); what follows
  // them is the body or the next request. Meaningful after kComplete.
  std::size_t consumed() const noexcept { return line_start_; }
  // The head for cpp-httplib. After kComplete it ends with the empty line; after kFailed it
  // holds the whole lines accepted before the problem (and no empty line), so that the parser
  // fails on the headers and answers, if it got as far as a request line.
  const std::string& head() const noexcept { return head_; }
  bool has_request_line() const noexcept { return seen_request_line_; }

 private:
  State fail(HeadProblem problem);
  State take_line(std::string_view line);  // one line, its "\n" included

  HeadLimits limits_;
  HeadProblem problem_ = HeadProblem::kNone;
  std::string head_;
  std::size_t line_start_ = 0;  // first byte of the line being received
  std::size_t scanned_ = 0;     // bytes already searched for "\n"
  std::size_t fields_ = 0;
  bool seen_request_line_ = false;
  State state_ = State::kNeedMore;
};

}  // namespace authkit::server
