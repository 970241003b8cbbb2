// The catalogue of documented variables, the "did you mean" search over it, and SettingsReader.
#include "authkit/settings.hpp"

#include <algorithm>
#include <cmath>

#include "authkit/config.hpp"
#include "base/text.hpp"
#include "config/settings_table.hpp"
#include "js/js_number.hpp"
#include "js/js_string.hpp"

namespace authkit {
inline namespace v1 {
namespace {

using detail::js_length;
using detail::js_string_to_number;
using detail::js_trim;

constexpr double kMaxSafeInteger = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER

// The integers in the messages are small enough to print exactly through int64.
std::string integer_text(double value) { return std::to_string(static_cast<std::int64_t>(value)); }

// The position of `name` in the table; the table's size (after every variable) when it is not
// there. Rules that relate two variables come there too, after every single-variable issue.
std::size_t catalogue_order(std::string_view name) noexcept {
  const auto table = config_table::setting_table();
  const auto found = std::ranges::find(table, name, [](const auto& row) { return row.info.name; });
  return static_cast<std::size_t>(found - table.begin());
}

char fold(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// Optimal string alignment distance (Levenshtein plus swaps of neighbours), A-Z folded; gives up
// (returns limit + 1) once the lengths alone differ by more than `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  const std::size_t width = b.size() + 1;
  std::vector<std::size_t> rows(3 * width);
  std::size_t* before = rows.data();  // row i - 2
  std::size_t* previous = before + width;
  std::size_t* current = previous + width;
  for (std::size_t j = 0; j < width; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j < width; ++j) {
      const bool same = fold(a[i - 1]) == fold(b[j - 1]);
      current[j] =
          std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1])) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::vector<SettingInfo> setting_catalogue() {
  std::vector<SettingInfo> out;
  for (const auto& row : config_table::setting_table()) out.push_back(row.info);
  return out;
}

const SettingInfo* find_setting(std::string_view name) noexcept {
  const std::size_t order = catalogue_order(name);
  const auto table = config_table::setting_table();
  return order < table.size() ? &table[order].info : nullptr;
}

std::optional<std::string_view> closest_setting(std::string_view name) noexcept {
  constexpr std::size_t kLimit = 2;
  std::optional<std::string_view> best;
  std::size_t best_distance = kLimit + 1;
  try {
    for (const auto& row : config_table::setting_table()) {
      const std::size_t distance = edit_distance(name, row.info.name, kLimit);
      if (distance < best_distance) {
        best = row.info.name;
        best_distance = distance;
      }
    }
  } catch (...) {
    return std::nullopt;  // out of memory for a hint: no hint
  }
  return best;
}

SettingsReader::SettingsReader(EnvLookup lookup) : lookup_(std::move(lookup)) {}

void SettingsReader::issue(std::string_view name, std::string message) {
  issues_.emplace_back(catalogue_order(name), ErrorDetail{std::string(name), std::move(message)});
}

void SettingsReader::cross_issue(std::string_view name, std::string message) {
  issues_.emplace_back(config_table::setting_table().size(),
                       ErrorDetail{std::string(name), std::move(message)});
}

std::int64_t SettingsReader::integer(std::string_view name, std::int64_t fallback,
                                     IntegerBounds bounds) {
  const auto raw = get(name);
  if (!raw) return fallback;
  const double value = js_string_to_number(*raw);
  if (std::isnan(value)) {
    issue(name, "Invalid input: expected number, received NaN");
    return fallback;
  }
  if (std::isinf(value)) {
    issue(name, "Invalid input: expected number, received Infinity");
    return fallback;
  }
  if (std::trunc(value) != value) {
    // zod stops at a non-integer: no bound check follows it.
    issue(name, "Invalid input: expected int, received number");
    return fallback;
  }
  bool ok = true;
  if (std::fabs(value) > kMaxSafeInteger) {
    issue(name, value > 0 ? "Too big: expected int to be <=9007199254740991"
                          : "Too small: expected int to be >=-9007199254740991");
    ok = false;
  }
  if (bounds.inclusive ? !(value >= bounds.lower) : !(value > bounds.lower)) {
    issue(name, std::string("Too small: expected number to be ") + (bounds.inclusive ? ">=" : ">") +
                    integer_text(bounds.lower));
    ok = false;
  }
  if (value > bounds.upper) {
    issue(name, "Too big: expected number to be <=" + integer_text(bounds.upper));
    ok = false;
  }
  return ok ? static_cast<std::int64_t>(value) : fallback;
}

bool SettingsReader::boolean(std::string_view name, bool fallback) {
  const auto raw = get(name);
  if (!raw) return fallback;
  const std::string folded = text::ascii_lower(js_trim(*raw));
  if (folded == "1" || folded == "true" || folded == "yes" || folded == "on") return true;
  if (folded == "0" || folded == "false" || folded == "no" || folded == "off") return false;
  issue(name, "Invalid input: expected boolean, received string");
  return fallback;
}

std::string SettingsReader::nonempty(std::string_view name, std::string fallback) {
  const auto raw = get(name);
  if (!raw) return fallback;
  const auto trimmed = js_trim(*raw);
  if (trimmed.empty()) {
    issue(name, "Too small: expected string to have >=1 characters");
    return fallback;
  }
  return std::string(trimmed);
}

std::optional<std::string> SettingsReader::optional_text(std::string_view name) const {
  const auto raw = get(name);
  if (!raw) return std::nullopt;
  const auto trimmed = js_trim(*raw);
  if (trimmed.empty()) return std::nullopt;
  return std::string(trimmed);
}

std::optional<std::string> SettingsReader::optional_token(std::string_view name,
                                                          std::size_t min_length) {
  auto token = optional_text(name);
  if (token && js_length(*token) < min_length) {
    issue(name,
          std::string(name) + " must have at least " + std::to_string(min_length) + " characters");
  }
  return token;
}

Duration SettingsReader::duration(std::string_view name, Duration fallback) {
  const auto raw = get(name);
  if (!raw) return fallback;
  auto parsed = parse_duration(js_trim(*raw));
  if (!parsed) {
    issue(name, parsed.error().message);
    return fallback;
  }
  return *parsed;
}

Result<void> SettingsReader::finish() && {
  if (issues_.empty()) return {};
  std::stable_sort(issues_.begin(), issues_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Error error(ErrorCode::kInvalidConfiguration);
  error.message = "Invalid environment configuration: ";
  for (std::size_t i = 0; i < issues_.size(); ++i) {
    if (i > 0) error.message += "; ";
    error.message += issues_[i].second.path + ": " + issues_[i].second.message;
    error.details.push_back(std::move(issues_[i].second));
  }
  return error;
}

}  // namespace v1
}  // namespace authkit
