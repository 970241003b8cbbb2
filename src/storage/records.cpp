// Spellings of the status enums.
#include <array>

#include "authkit/records.hpp"

namespace authkit {
inline namespace v1 {
namespace {

constexpr std::array<std::string_view, 3> kSessionStatus{"ACTIVE", "REVOKED", "COMPROMISED"};
constexpr std::array<std::string_view, 4> kTokenStatus{"ACTIVE", "USED", "REVOKED", "REUSED"};

template <class Enum, std::size_t N>
std::string_view spell(const std::array<std::string_view, N>& table, Enum e) noexcept {
  const auto i = static_cast<std::size_t>(e);
  return i < N ? table[i] : std::string_view("?");
}

}  // namespace

std::string_view to_string(SessionStatus status) noexcept { return spell(kSessionStatus, status); }
std::string_view to_string(RefreshTokenStatus status) noexcept {
  return spell(kTokenStatus, status);
}

std::optional<SessionStatus> session_status_from_string(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kSessionStatus.size(); ++i) {
    if (kSessionStatus[i] == s) return static_cast<SessionStatus>(i);
  }
  return std::nullopt;
}

std::optional<RefreshTokenStatus> refresh_token_status_from_string(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kTokenStatus.size(); ++i) {
    if (kTokenStatus[i] == s) return static_cast<RefreshTokenStatus>(i);
  }
  return std::nullopt;
}

}  // namespace v1
}  // namespace authkit
