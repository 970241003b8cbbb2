// Spellings of the status enums and of the store's outcome enums.
#include <array>

#include "authkit/records.hpp"
#include "authkit/store.hpp"

namespace authkit {
inline namespace v1 {
namespace {

constexpr std::array<std::string_view, 3> kSessionStatus{"ACTIVE", "REVOKED", "COMPROMISED"};
constexpr std::array<std::string_view, 4> kTokenStatus{"ACTIVE", "USED", "REVOKED", "REUSED"};
constexpr std::array<std::string_view, 9> kRotateOutcome{
    "rotated",          "grace_reuse",     "not_found",
    "session_mismatch", "session_revoked", "session_compromised",
    "token_not_active", "expired",         "hash_mismatch"};
constexpr std::array<std::string_view, 5> kRevokeOutcome{"revoked", "not_found", "session_mismatch",
                                                         "token_not_active", "hash_mismatch"};

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
std::string_view to_string(RotateOutcome outcome) noexcept {
  return spell(kRotateOutcome, outcome);
}
std::string_view to_string(RevokeByTokenOutcome outcome) noexcept {
  return spell(kRevokeOutcome, outcome);
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
