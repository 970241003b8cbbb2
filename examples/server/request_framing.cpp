// frame_request: RFC 9112 section 6.3, strictly, for a server that takes no chunked bodies.
#include "request_framing.hpp"

#include <charconv>
#include <string>

#include "header_fields.hpp"
#include "text.hpp"

namespace authkit::server {
namespace {

enum class Length { kValid, kInvalid, kOverflow };

// 1*DIGIT and nothing else (no sign, no list, no spaces inside).
Length parse_length(const std::string& text, std::uint64_t& value) {
  if (text.empty()) return Length::kInvalid;
  for (const char c : text) {
    if (c < '0' || c > '9') return Length::kInvalid;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) return Length::kOverflow;
  return end == text.data() + text.size() ? Length::kValid : Length::kInvalid;
}

// The Connection field's options include "close" (a comma-separated, case-insensitive list,
// possibly over several fields).
bool asks_to_close(const httplib::Request& req) {
  const auto count = req.get_header_value_count("Connection");
  for (std::size_t i = 0; i < count; ++i) {
    const auto value = lower(req.get_header_value("Connection", i));
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (trim(rest.substr(0, comma)) == "close") return true;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  // HTTP/1.0 closes after each answer unless it asked to be kept alive (cpp-httplib also
  // stops reading there).
  return req.version == "HTTP/1.0" && req.get_header_value("Connection") != "Keep-Alive";
}

}  // namespace

bool has_body_method(std::string_view method) noexcept {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

Framing frame_request(const httplib::Request& req, std::uint64_t max_body_bytes) {
  Framing framing;
  framing.close = asks_to_close(req);
  if (req.has_header("Transfer-Encoding")) {
    // Chunked bodies would be read by cpp-httplib 0.11 without the body limit; any other
    // coding is one this server cannot decode. Either way the length is unknown.
    framing.refusal = Framing::Refusal::kTransferEncoding;
    framing.close = true;
    return framing;
  }
  const auto lengths = req.get_header_value_count("Content-Length");
  if (lengths == 0) {
    // No body (RFC 9112 section 6.3, as Node reads it). A client that sent one anyway, to be
    // read until it closes, would have it parsed as the next request: close after answering.
    if (has_body_method(req.method)) framing.close = true;
    return framing;
  }
  std::uint64_t length = 0;
  // The value whole: get_header_value() would end "7\0..." at its NUL and read a length of 7.
  const auto parsed =
      lengths == 1 ? parse_length(first_header_value(req, "Content-Length").value_or(""), length)
                   : Length::kInvalid;
  if (parsed == Length::kInvalid) {
    framing.refusal = Framing::Refusal::kInvalidContentLength;
    framing.close = true;
    return framing;
  }
  if (parsed == Length::kOverflow || length > max_body_bytes) {
    framing.refusal = Framing::Refusal::kTooLarge;
    framing.close = true;
    return framing;
  }
  framing.body_bytes = length;
  return framing;
}

}  // namespace authkit::server
