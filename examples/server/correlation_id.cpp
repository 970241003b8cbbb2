// Correlation-id validation and generation.
#include "correlation_id.hpp"

#include <authkit/crypto.hpp>

#include "text.hpp"

namespace authkit::server {

bool is_valid_correlation_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > kMaxCorrelationIdLength) return false;
  for (const char c : id) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

std::string correlation_id_from(const std::vector<std::string>& header_values) {
  std::string joined;
  for (const auto& value : header_values) {
    if (!joined.empty()) joined += ", ";
    joined += value;
    // Stop early: anything this long is refused anyway.
    if (joined.size() > kMaxCorrelationIdLength) break;
  }
  const std::string_view trimmed = trim(joined);
  if (is_valid_correlation_id(trimmed)) return std::string(trimmed);
  return crypto::random_uuid_v4();
}

}  // namespace authkit::server
