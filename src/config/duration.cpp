// parse_duration: the configuration's duration strings (`ACCESS_TOKEN_EXPIRES_IN` in
// docs/configuration.md#variables-of-the-original-service), parsed once.
#include <cstdint>
#include <string>
#include <string_view>

#include "authkit/config.hpp"

namespace authkit {
inline namespace v1 {
namespace {

// 2^53 - 1: a JavaScript client reads every expiry up to here exactly, and adding it to any
// current time in milliseconds stays far inside std::int64_t.
constexpr std::uint64_t kMaxDurationMs = 9007199254740991ULL;

Error duration_error(std::string message) {
  Error error(ErrorCode::kInvalidConfiguration);
  error.message = std::move(message);
  return error;
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string_view unit = text.substr(digits);
  std::uint64_t per_unit_ms = 0;
  if (unit.empty() || unit == "s") {
    per_unit_ms = 1000;  // bare digits are seconds, as the original's own parser reads them
  } else if (unit == "ms") {
    per_unit_ms = 1;
  } else if (unit == "m") {
    per_unit_ms = 60'000;
  } else if (unit == "h") {
    per_unit_ms = 3'600'000;
  } else if (unit == "d") {
    per_unit_ms = 86'400'000;
  }
  if (digits == 0 || per_unit_ms == 0) {
    return duration_error("must use a supported duration format such as 15m, 7d, 60s, or 1000");
  }
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    count = count * 10 + static_cast<std::uint64_t>(text[i] - '0');
    // Checked at every digit, so a long run of digits cannot wrap around before the check.
    if (count > kMaxDurationMs / per_unit_ms) {
      return duration_error("must be at most 9007199254740991 milliseconds");
    }
  }
  return Duration(static_cast<Duration::rep>(count * per_unit_ms));
}

}  // namespace v1
}  // namespace authkit
