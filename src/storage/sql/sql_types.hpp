// The values that cross between the shared store logic and a SQL driver: parameters and cells.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "authkit/clock.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

// A bound parameter: NULL, an integer (ids, ms timestamps) or text. Text is borrowed: it must
// outlive the exec call.
using SqlParam = std::variant<std::monostate, std::int64_t, std::string_view>;

inline SqlParam param(std::int64_t v) { return v; }
inline SqlParam param(std::string_view v) { return v; }
inline SqlParam param(const std::string& v) { return std::string_view(v); }
inline SqlParam param(TimePoint t) { return std::int64_t{t.time_since_epoch().count()}; }
inline SqlParam param(const std::optional<std::string>& v) {
  return v ? SqlParam(std::string_view(*v)) : SqlParam();
}
inline SqlParam param(const std::optional<TimePoint>& v) { return v ? param(*v) : SqlParam(); }

// A result cell. Drivers return integer columns (ids, ms timestamps, counts) as int64.
using SqlCell = std::variant<std::monostate, std::int64_t, std::string>;
using SqlRow = std::vector<SqlCell>;

struct SqlResult {
  std::vector<SqlRow> rows;
  std::int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
};

inline bool is_null(const SqlCell& c) { return std::holds_alternative<std::monostate>(c); }
inline std::int64_t as_int(const SqlCell& c) {
  if (const auto* i = std::get_if<std::int64_t>(&c)) return *i;
  if (const auto* s = std::get_if<std::string>(&c)) return std::stoll(*s);
  return 0;
}
inline std::string as_text(const SqlCell& c) {
  if (const auto* s = std::get_if<std::string>(&c)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&c)) return std::to_string(*i);
  return {};
}
inline std::optional<std::string> as_opt_text(const SqlCell& c) {
  if (is_null(c)) return std::nullopt;
  return as_text(c);
}
inline TimePoint as_time(const SqlCell& c) { return TimePoint(Duration(as_int(c))); }
inline std::optional<TimePoint> as_opt_time(const SqlCell& c) {
  if (is_null(c)) return std::nullopt;
  return as_time(c);
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
