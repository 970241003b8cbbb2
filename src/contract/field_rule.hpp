// The declaration of one string field of a request schema: it drives validation and JSON Schema.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace authkit::detail {

// Who set a length bound. The contract's bounds are also applied, as zod applies them, to the
// `length` of a wrongly typed value; the limits libauthkit adds judge strings only, so that any
// input the original accepted or refused gets the original's details unless it is a string
// beyond one of those limits.
enum class BoundOrigin { kContract, kLibauthkit };

// A length bound in JavaScript length units and the message given when it is not met.
struct LengthRule {
  std::size_t limit = 0;
  std::string_view message;
  BoundOrigin origin = BoundOrigin::kContract;
};

enum class StringFormat { kNone, kEmail, kUuid };

// Everything there is to know about one field: the checks run in the order of the members
// (type, trim, min, max, format, control characters), which is the order of the details.
struct StringField {
  std::string_view property;  // the JSON member name, also the detail path
  bool trim = false;          // JavaScript trim before the checks; the trimmed value is kept
  std::optional<LengthRule> min;
  std::optional<LengthRule> max;
  StringFormat format = StringFormat::kNone;
  std::string_view format_message;
  std::string_view control_message;  // non-empty: C0/C1 control characters are refused
  std::string_view utf8_message;     // typed callers only: JSON text is always valid UTF-8
};

// A request schema: an object whose members are all required strings, in detail order.
struct ObjectSchema {
  std::string_view name;
  std::span<const StringField> fields;
};

}  // namespace authkit::detail
