/// @file
/// Settings: the catalogue of every documented configuration variable, and SettingsReader, which
/// reads a table of them and collects their issues in the catalogue's order.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "authkit/clock.hpp"
#include "authkit/error.hpp"
#include "authkit/export.hpp"
#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {

/// Looks one environment variable up: nullopt when it is not set (which differs from set to "").
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment's value of `name` (std::getenv): the EnvLookup of Config::from_env().
/// Call it at start-up, before other threads may change the environment.
AUTHKIT_API std::optional<std::string> process_environment(std::string_view name);

/// Who reads a setting: the library (Config::from_env) or only the reference server
/// (authkit-server's ServerConfig). The library accepts the server's names by name and ignores
/// them (docs/c-abi.md#settings-by-name).
enum class SettingScope { kLibrary, kServer };

/// One documented variable: its name, its default as docs/configuration.md writes it, and who
/// reads it.
struct SettingInfo {
  std::string_view name;          ///< The variable's name, e.g. `DATABASE_URL`.
  std::string_view default_text;  ///< Its default as documented, or empty.
  SettingScope scope;             ///< Who reads it: the library or the reference server.
};

/// Every documented variable, in the order docs/configuration.md's tables list them; issues are
/// reported in this order.
AUTHKIT_API std::vector<SettingInfo> setting_catalogue();
/// The catalogue's entry of `name` (exact spelling), or nullptr.
AUTHKIT_API const SettingInfo* find_setting(std::string_view name) noexcept;
/// The catalogued name closest to `name` when it is at most 2 edits away (insertions, deletions,
/// substitutions, swaps of neighbours; A-Z and a-z count as equal), for "did you mean" hints.
AUTHKIT_API std::optional<std::string_view> closest_setting(std::string_view name) noexcept;

/// The bounds of an integer setting: `> lower` or, inclusive, `>= lower`; and `<= upper`.
struct IntegerBounds {
  double lower = 0;                                   ///< The lowest value (or bound) allowed.
  bool inclusive = false;                             ///< Whether `lower` itself is allowed.
  double upper = std::numeric_limits<double>::max();  ///< max(): no upper bound
};

/// Reads settings through an EnvLookup with the original service's parsing and messages
/// (docs/configuration.md), collecting every issue. Each message is built from fixed text and
/// the variable's name, never from its value, so no secret can leak through it.
class AUTHKIT_API SettingsReader {
 public:
  explicit SettingsReader(EnvLookup lookup);  ///< A reader looking variables up with `lookup`.

  /// The raw value of `name`, nullopt when unset.
  std::optional<std::string> get(std::string_view name) const { return lookup_(name); }

  /// An issue of `name`, reported in the catalogue's order.
  void issue(std::string_view name, std::string message);
  /// An issue of a rule that relates two variables: after every single-variable issue.
  void cross_issue(std::string_view name, std::string message);

  /// A zod enum: the value must be one of `options`, exactly (no trimming, as the original);
  /// nullopt when unset or invalid.
  template <class T>
  std::optional<T> enumeration(std::string_view name,
                               std::initializer_list<std::pair<std::string_view, T>> options) {
    const auto raw = get(name);
    if (!raw) return std::nullopt;
    std::string message = "Invalid option: expected one of ";
    bool first = true;
    for (const auto& [spelling, value] : options) {
      if (*raw == spelling) return value;
      message.append(first ? "\"" : "|\"").append(spelling).append("\"");
      first = false;
    }
    issue(name, std::move(message));
    return std::nullopt;
  }
  /// z.coerce.number().int() and bounds: JavaScript Number() coercion, then zod's checks in
  /// zod's order and words. `fallback` when unset (or, the result being discarded, invalid).
  std::int64_t integer(std::string_view name, std::int64_t fallback, IntegerBounds bounds);
  /// Trimmed, case-insensitive 1/true/yes/on or 0/false/no/off.
  bool boolean(std::string_view name, bool fallback);
  /// A trimmed string of at least one character.
  std::string nonempty(std::string_view name, std::string fallback);
  /// A trimmed optional string: unset, empty or white space all mean "not set".
  std::optional<std::string> optional_text(std::string_view name) const;
  /// optional_text that, when set, must have at least `min_length` characters (JavaScript
  /// length, as the original counted): "<VAR> must have at least <n> characters".
  std::optional<std::string> optional_token(std::string_view name, std::size_t min_length);
  /// parse_duration's format, trimmed.
  Duration duration(std::string_view name, Duration fallback);

  /// INVALID_CONFIGURATION, "Invalid environment configuration: " + "<VAR>: <message>" issues
  /// joined by "; ", one ErrorDetail per issue; success when there is none.
  Result<void> finish() &&;

 private:
  EnvLookup lookup_;
  std::vector<std::pair<std::size_t, ErrorDetail>> issues_;
};

/// Parsers of a settings table (entries of {name, parser}): each reads the variable `name` into
/// one field of a configuration struct, whose initialiser is the default and which keeps it when
/// the variable is unset or invalid.
namespace settings {

template <class Member>
struct MemberOf;
/// Splits a pointer to member into the struct it belongs to and the field's type.
template <class Owner, class Value>
struct MemberOf<Value Owner::*> {
  using owner = Owner;  ///< The struct.
  using value = Value;  ///< The field's type.
};
/// The struct a pointer to member `Field` belongs to.
template <auto Field>
using Owner = typename MemberOf<decltype(Field)>::owner;
/// The type of the field `Field` points to.
template <auto Field>
using Value = typename MemberOf<decltype(Field)>::value;

/// Whether `T` is a std::chrono::duration (read as an integer in its own unit).
template <class T>
inline constexpr bool kIsChronoDuration = false;
template <class Rep, class Period>
inline constexpr bool kIsChronoDuration<std::chrono::duration<Rep, Period>> = true;

/// An integer, or a std::chrono::duration counted in its own unit (JWT_LEEWAY_SECONDS, *_MS).
template <auto Field, IntegerBounds Bounds>
void integer(SettingsReader& reader, std::string_view name, Owner<Field>& target) {
  using T = Value<Field>;
  auto& field = target.*Field;
  if constexpr (kIsChronoDuration<T>) {
    field = T(reader.integer(name, static_cast<std::int64_t>(field.count()), Bounds));
  } else {
    field = static_cast<T>(reader.integer(name, static_cast<std::int64_t>(field), Bounds));
  }
}
/// A boolean (`true`/`false`, `1`/`0`).
template <auto Field>
void boolean(SettingsReader& reader, std::string_view name, Owner<Field>& target) {
  target.*Field = reader.boolean(name, target.*Field);
}
/// A duration (`15m`, `7d`, bare digits are seconds).
template <auto Field>
void duration(SettingsReader& reader, std::string_view name, Owner<Field>& target) {
  target.*Field = reader.duration(name, target.*Field);
}
/// A text that must not be empty once trimmed.
template <auto Field>
void nonempty(SettingsReader& reader, std::string_view name, Owner<Field>& target) {
  target.*Field = reader.nonempty(name, std::move(target.*Field));
}
/// A text that may be unset (nullopt).
template <auto Field>
void optional_text(SettingsReader& reader, std::string_view name, Owner<Field>& target) {
  target.*Field = reader.optional_text(name);
}

}  // namespace settings

}  // namespace v1
}  // namespace authkit
