// Correlation-id validation and generation.
#include "correlation_id.hpp"

#include <authkit/crypto.hpp>

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
  const auto first = joined.find_first_not_of(" \t");
  const auto last = joined.find_last_not_of(" \t");
  const std::string_view trimmed = first == std::string::npos
                                       ? std::string_view()
                                       : std::string_view(joined).substr(first, last - first + 1);
  if (is_valid_correlation_id(trimmed)) return std::string(trimmed);
  return crypto::random_uuid_v4();
}

}  // namespace authkit::server
