// The auth middleware (docs/api.md#auth-middleware): bearer token → principal, session state
// checked each time.
#include <utility>

#include "authkit/bearer.hpp"
#include "js/js_string.hpp"
#include "session/service_state.hpp"

namespace authkit::detail {
namespace {

// What the HTTP layer strips around a header value (RFC 9110 optional whitespace): a value of
// only these is the empty, i.e. absent, header.
std::string_view strip_ows(std::string_view value) noexcept {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

// Whether `value` holds only what a clean Authorization value can: visible ASCII, SP and HTAB.
// A NUL, another control byte, DEL or a byte past ASCII never belongs to a bearer credential,
// and refusing them keeps JavaScript's wider trim (VT, FF, U+00A0, U+FEFF, ...) from ever
// stripping one off a valid token (docs/compatibility.md#authorization-bytes).
bool is_clean_authorization(std::string_view value) noexcept {
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x21 || byte > 0x7E) && byte != ' ' && byte != '\t') return false;
  }
  return true;
}

// The token's own checks (docs/api.md#auth-middleware, steps 3–4), before any store read.
Result<Principal> verify_access_token(ServiceState& state, std::string_view access_token,
                                      TimePoint now) {
  auto verified = state.codec.verify(access_token, TokenType::kAccess, to_unix_seconds(now));
  if (!verified) return to_error(verified.error());
  const auto user_id = parse_user_id(verified->subject);
  if (!user_id) return Error(ErrorCode::kInvalidToken, "sub is not a user id");
  return Principal{*user_id, std::move(verified->session_id), std::move(verified->jwt_id)};
}

// The session the token names must be the user's and still running (steps 5–6).
Result<void> check_session(const Session* session, const Principal& principal, TimePoint now) {
  if (!session || session->user_id != principal.user_id) {
    return Error(ErrorCode::kSessionNotFound);
  }
  if (session->status != SessionStatus::kActive) return Error(ErrorCode::kSessionNotActive);
  // Past SESSION_MAX_AGE a session has ended whatever its status column says
  // (docs/compatibility.md#session-max-age).
  if (session->expires_at && *session->expires_at <= now) {
    return Error(ErrorCode::kSessionNotActive, "session expired");
  }
  return {};
}

Result<std::string_view> bearer_token(std::string_view header) {
  if (strip_ows(header).empty()) return Error(ErrorCode::kAuthorizationRequired);
  if (!is_clean_authorization(header)) {
    // The diagnostic never shows the value: it holds a credential.
    return Error(ErrorCode::kInvalidToken, "Authorization holds a byte outside visible ASCII");
  }
  const auto token = extract_bearer_token(header);
  if (!token) return Error(ErrorCode::kInvalidAuthorizationHeader);
  return *token;
}

MeResult me_result(SessionWithUser&& found) {
  return MeResult{std::move(found.user), SessionInfo{std::move(found.session), true}};
}

}  // namespace

Result<Principal> authenticate_header(ServiceState& state, std::string_view header) {
  auto token = bearer_token(header);
  if (!token) return std::move(token).error();
  return authenticate_token(state, *token);
}

Result<Principal> authenticate_token(ServiceState& state, std::string_view access_token) {
  const TimePoint now = state.now();
  auto principal = verify_access_token(state, access_token, now);
  if (!principal) return principal;
  auto session = state.store->find_session(principal->session_id);
  if (!session) return std::move(session).error();
  AUTHKIT_RETURN_IF_ERROR(check_session(*session ? &**session : nullptr, *principal, now));
  return principal;
}

Result<MeResult> me(ServiceState& state, const Principal& principal) {
  auto found = state.store->find_session_with_user(principal.session_id);
  if (!found) return std::move(found).error();
  if (!*found || (*found)->user.id != principal.user_id) {
    return Error(ErrorCode::kAuthContextNotFound);
  }
  return me_result(std::move(**found));
}

Result<MeResult> authenticated_me(ServiceState& state, std::string_view header) {
  auto token = bearer_token(header);
  if (!token) return std::move(token).error();
  return authenticated_me_token(state, *token);
}

Result<MeResult> authenticated_me_token(ServiceState& state, std::string_view access_token) {
  const TimePoint now = state.now();
  auto principal = verify_access_token(state, access_token, now);
  if (!principal) return std::move(principal).error();
  // The bearer check and /me's own reads in one round trip: the session row comes with its user.
  auto found = state.store->find_session_with_user(principal->session_id);
  if (!found) return std::move(found).error();
  AUTHKIT_RETURN_IF_ERROR(check_session(*found ? &(*found)->session : nullptr, *principal, now));
  return me_result(std::move(**found));
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
