// Compact JSON with JSON.stringify's escaping, via nlohmann::json.
#include "json_text.hpp"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace authkit::server {
namespace {

std::string dump(const nlohmann::ordered_json& value) {
  // Replace, not throw, on bytes that are not UTF-8 (a client-supplied string, say).
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string iso_timestamp(TimePoint t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(t - day);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return text;
}

std::string error_envelope(const Error& error, std::string_view correlation_id) {
  nlohmann::ordered_json inner;
  inner["code"] = std::string(to_string(error.code));
  inner["message"] = error.message;
  if (!error.details.empty()) {
    auto& details = inner["details"] = nlohmann::ordered_json::array();
    for (const auto& detail : error.details) {
      details.push_back({{"path", detail.path}, {"message", detail.message}});
    }
  }
  inner["correlationId"] = std::string(correlation_id);
  nlohmann::ordered_json outer;
  outer["error"] = std::move(inner);
  return dump(outer);
}

std::string message_body(std::string_view text) {
  nlohmann::ordered_json body;
  body["message"] = std::string(text);
  return dump(body);
}

}  // namespace authkit::server
