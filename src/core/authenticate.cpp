// The auth middleware (contract §6): bearer token → principal, session state checked each time.
#include <utility>

#include "authkit/bearer.hpp"
#include "core/service_state.hpp"
#include "js/js_string.hpp"

namespace authkit::detail {
namespace {

// What the HTTP layer strips around a header value (RFC 9110 optional whitespace): a value of
// only these is the empty, i.e. absent, header.
std::string_view strip_ows(std::string_view value) noexcept {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

}  // namespace

Result<Principal> authenticate_header(ServiceState& state, std::string_view header) {
  if (strip_ows(header).empty()) return Error(ErrorCode::kAuthorizationRequired);
  const auto token = extract_bearer_token(header);
  if (!token) return Error(ErrorCode::kInvalidAuthorizationHeader);
  return authenticate_token(state, *token);
}

Result<Principal> authenticate_token(ServiceState& state, std::string_view access_token) {
  const TimePoint now = state.now();
  auto verified = state.codec.verify(access_token, TokenType::kAccess, to_unix_seconds(now));
  if (!verified) return to_error(verified.error());
  const auto user_id = parse_user_id(verified->subject);
  if (!user_id) return Error(ErrorCode::kInvalidToken, "sub is not a user id");

  auto session = state.store->find_session(verified->session_id);
  if (!session) return std::move(session).error();
  if (!*session || (*session)->user_id != *user_id) return Error(ErrorCode::kSessionNotFound);
  if ((*session)->status != SessionStatus::kActive) return Error(ErrorCode::kSessionNotActive);
  // Past SESSION_MAX_AGE a session has ended whatever its status column says (W21).
  if ((*session)->expires_at && *(*session)->expires_at <= now) {
    return Error(ErrorCode::kSessionNotActive, "session expired");
  }
  return Principal{*user_id, verified->session_id, verified->jwt_id};
}

Result<MeResult> me(ServiceState& state, const Principal& principal) {
  auto user = state.store->find_user_by_id(principal.user_id);
  if (!user) return std::move(user).error();
  auto session = state.store->find_session(principal.session_id);
  if (!session) return std::move(session).error();
  if (!*user || !*session) return Error(ErrorCode::kAuthContextNotFound);
  User shown = std::move(**user);
  shown.password_hash.clear();
  return MeResult{std::move(shown), SessionInfo{std::move(**session), true}};
}

Result<std::vector<SessionInfo>> list_sessions(ServiceState& state, const Principal& principal) {
  auto sessions = state.store->list_sessions(principal.user_id);
  if (!sessions) return std::move(sessions).error();
  std::vector<SessionInfo> out;
  out.reserve(sessions->size());
  for (auto& s : *sessions) {
    const bool current = s.id == principal.session_id;
    out.push_back(SessionInfo{std::move(s), current});
  }
  return out;
}

}  // namespace authkit::detail
