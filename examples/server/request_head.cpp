// HeadScanner: line by line, each byte looked at once.
#include "request_head.hpp"

#include <cctype>

#include "text.hpp"

namespace authkit::server {
namespace {

// RFC 9110 section 5.6.2: the characters of a field name.
bool is_tchar(unsigned char c) noexcept {
  if (std::isalnum(c) != 0) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

}  // namespace

HeadScanner::State HeadScanner::fail(HeadProblem problem) {
  problem_ = problem;
  state_ = State::kFailed;
  return state_;
}

HeadScanner::State HeadScanner::scan(std::string_view received) {
  if (state_ != State::kNeedMore) return state_;
  while (true) {
    const auto newline = received.find('\n', scanned_);
    if (newline == std::string_view::npos) {
      scanned_ = received.size();
      // A line that has not ended yet counts against the limit too: no unbounded line.
      if (received.size() > limits_.max_bytes) return fail(HeadProblem::kTooLarge);
      return State::kNeedMore;
    }
    if (newline + 1 > limits_.max_bytes) return fail(HeadProblem::kTooLarge);
    const auto line = received.substr(line_start_, newline + 1 - line_start_);
    line_start_ = newline + 1;
    scanned_ = line_start_;
    if (const auto state = take_line(line); state != State::kNeedMore) return state;
  }
}

HeadScanner::State HeadScanner::take_line(std::string_view line) {
  // Only CRLF ends a line: cpp-httplib skips a field line ending in a bare LF, which a proxy
  // in front may have read as a field (a request smuggling ground). RFC 9112 section 2.2.
  if (line.size() < 2 || line[line.size() - 2] != '\r') return fail(HeadProblem::kMalformed);
  const bool empty = line.size() == 2;
  if (!seen_request_line_) {
    if (empty) return State::kNeedMore;  // an empty line before the request line: ignored
    seen_request_line_ = true;
    head_.append(line);
    return State::kNeedMore;
  }
  if (empty) {
    head_.append(line);
    state_ = State::kComplete;
    return state_;
  }
  if (++fields_ > limits_.max_fields) return fail(HeadProblem::kTooManyFields);
  if (line.size() > limits_.max_field_line_bytes) return fail(HeadProblem::kTooLarge);
  // obs-fold (a line starting with space or tab) and whitespace before the colon must be
  // refused with 400 (RFC 9112 sections 5.1 and 5.2); so is a line with no field name.
  const auto colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return fail(HeadProblem::kMalformed);
  const auto name = line.substr(0, colon);
  for (const char c : name) {
    if (!is_tchar(static_cast<unsigned char>(c))) return fail(HeadProblem::kMalformed);
  }
  if (iequals(name, "range")) return State::kNeedMore;  // ignored: see the header
  // cpp-httplib percent-decodes field values: "Content-Length: %35" would frame a body of 5
  // bytes that any proxy in front refuses or reads otherwise.
  if (iequals(name, "content-length") && line.find('%', colon) != std::string_view::npos) {
    return fail(HeadProblem::kMalformed);
  }
  head_.append(line);
  return State::kNeedMore;
}

}  // namespace authkit::server
