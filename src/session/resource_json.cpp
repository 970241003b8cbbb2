// The contract's JSON resources and envelopes (docs/api.md#resources, docs/api.md#error-envelope,
// docs/api.md#operational-endpoints), compact and key-ordered.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "authkit/json.hpp"

namespace authkit {
inline namespace v1 {
namespace json {
namespace {

using Json = nlohmann::ordered_json;

// JSON.stringify's compact form; bytes that are not UTF-8 (a header read as Latin-1 upstream
// never yields them, but a caller might pass any bytes) become U+FFFD instead of throwing.
std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json optional_string(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json user_value(const UserProfile& u) {
  Json out = Json::object();
  out["id"] = u.id;
  out["name"] = u.name;
  out["email"] = u.email;
  out["createdAt"] = iso_timestamp(u.created_at);
  return out;
}

Json session_value(const SessionInfo& info) {
  const Session& s = info.session;
  Json out = Json::object();
  out["sessionId"] = s.id;
  out["status"] = std::string(to_string(s.status));
  out["createdAt"] = iso_timestamp(s.created_at);
  out["lastSeenAt"] = s.last_seen_at ? Json(iso_timestamp(*s.last_seen_at)) : Json(nullptr);
  // The original keeps one pair of columns, overwritten by every refresh: the latest activity.
  out["userAgent"] = optional_string(s.last_seen_from.user_agent);
  out["ipAddress"] = optional_string(s.last_seen_from.ip_address);
  out["current"] = info.current;
  return out;
}

}  // namespace

std::string iso_timestamp(TimePoint t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const auto ms = (t - day).count();  // 0 .. 86'399'999
  const int y = static_cast<int>(ymd.year());
  char year[16];
  // Date.prototype.toISOString writes years outside 0000-9999 with a sign and six digits.
  if (y < 0 || y > 9999) {
    std::snprintf(year, sizeof year, "%+07d", y);
  } else {
    std::snprintf(year, sizeof year, "%04d", y);
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s-%02u-%02uT%02d:%02d:%02d.%03dZ", year,
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(ms / 3'600'000), static_cast<int>(ms / 60'000 % 60),
                static_cast<int>(ms / 1000 % 60), static_cast<int>(ms % 1000));
  return buffer;
}

std::string user(const UserProfile& u) { return dump(user_value(u)); }

std::string session(const SessionInfo& info) { return dump(session_value(info)); }

std::string auth_response(const AuthResult& result) {
  Json out = Json::object();
  out["accessToken"] = result.access_token;
  out["refreshToken"] = result.refresh_token;
  out["user"] = user_value(result.user);
  out["session"] = session_value(result.session);
  return dump(out);
}

std::string register_response(const UserProfile& u) {
  Json out = Json::object();
  out["user"] = user_value(u);
  return dump(out);
}

std::string me_response(const MeResult& me) {
  Json out = Json::object();
  out["user"] = user_value(me.user);
  out["session"] = session_value(me.session);
  return dump(out);
}

std::string sessions_response(const std::vector<SessionInfo>& sessions) {
  Json list = Json::array();
  for (const auto& s : sessions) list.push_back(session_value(s));
  Json out = Json::object();
  out["sessions"] = std::move(list);
  return dump(out);
}

std::string error_envelope(const Error& error, std::string_view correlation_id) {
  Json body = Json::object();
  body["code"] = std::string(to_string(error.code));
  body["message"] = error.message;
  // Omitted, not null or [], when there is nothing to list (docs/api.md#error-envelope).
  if (!error.details.empty()) {
    Json details = Json::array();
    for (const auto& d : error.details) {
      Json item = Json::object();
      item["path"] = d.path;
      item["message"] = d.message;
      details.push_back(std::move(item));
    }
    body["details"] = std::move(details);
  }
  body["correlationId"] = std::string(correlation_id);
  Json out = Json::object();
  out["error"] = std::move(body);
  return dump(out);
}

std::string health(const HealthReport& report) {
  Json out = Json::object();
  out["status"] = "ok";
  out["service"] = "auth-api";
  out["timestamp"] = iso_timestamp(report.timestamp);
  return dump(out);
}

std::string readiness(const ReadinessReport& report) {
  Json deps = Json::object();
  deps["database"] = std::string(to_string(report.database));
  deps["redis"] = std::string(to_string(report.redis));
  Json out = Json::object();
  out["status"] = report.ready ? "ready" : "not_ready";
  out["service"] = "auth-api";
  out["dependencies"] = std::move(deps);
  out["timestamp"] = iso_timestamp(report.timestamp);
  return dump(out);
}

}  // namespace json

std::string_view to_string(DependencyState state) noexcept {
  switch (state) {
    case DependencyState::kUp:
      return "up";
    case DependencyState::kDown:
      return "down";
    case DependencyState::kDisabled:
      return "disabled";
    case DependencyState::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace v1
}  // namespace authkit
