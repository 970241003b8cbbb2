/// @file
/// The JSON shapes of the REST contract (docs/api.md#resources, docs/api.md#error-envelope,
/// docs/api.md#operational-endpoints): one serialiser for server and C ABI.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "authkit/auth_types.hpp"
#include "authkit/clock.hpp"
#include "authkit/error.hpp"
#include "authkit/export.hpp"
#include "authkit/records.hpp"

namespace authkit {
inline namespace v1 {
namespace json {

// Every function returns compact JSON text (no spaces), keys in the contract's order, strings
// escaped as JavaScript's JSON.stringify escapes them (bytes that are not UTF-8 become U+FFFD).
// Thread-safe; they throw nothing but std::bad_alloc.

/// `t` as JavaScript's Date.prototype.toISOString writes it: "2026-11-28T15:18:23.358Z" (UTC,
/// exactly three fractional digits; years 0000–9999).
AUTHKIT_API std::string iso_timestamp(TimePoint t);

/// {"id":1,"name":"…","email":"…","createdAt":"…"}
AUTHKIT_API std::string user(const UserProfile& u);
/// {"sessionId":"…","status":"ACTIVE","createdAt":"…","lastSeenAt":"…"|null,
///  "userAgent":"…"|null,"ipAddress":"…"|null,"current":true}
/// userAgent and ipAddress are the latest activity's (last_seen_from), as the original shows.
AUTHKIT_API std::string session(const SessionInfo& info);
/// {"accessToken":"…","refreshToken":"…","user":{…},"session":{…}}
AUTHKIT_API std::string auth_response(const AuthResult& result);
/// {"user":{…}}: the body of POST /v1/auth/register.
AUTHKIT_API std::string register_response(const UserProfile& u);
/// {"user":{…},"session":{…}}: the body of GET /v1/auth/me.
AUTHKIT_API std::string me_response(const MeResult& me);
/// {"sessions":[{…},…]}: the body of GET /v1/auth/sessions.
AUTHKIT_API std::string sessions_response(const std::vector<SessionInfo>& sessions);
/// {"error":{"code":"…","message":"…","details":[{"path":"…","message":"…"}],"correlationId":"…"}}
/// with `details` only when the error has some. The diagnostic is never included.
AUTHKIT_API std::string error_envelope(const Error& error, std::string_view correlation_id);
/// {"status":"ok","service":"auth-api","timestamp":"…"}
AUTHKIT_API std::string health(const HealthReport& report);
/// {"status":"ready"|"not_ready","service":"auth-api","dependencies":{"database":"up",
///  "redis":"disabled"},"timestamp":"…"}
AUTHKIT_API std::string readiness(const ReadinessReport& report);

}  // namespace json
}  // namespace v1
}  // namespace authkit
