// Reads a JSON request body into the little validation needs to know, with JSON.parse semantics.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace authkit::detail {

// JavaScript's view of a JSON value's type, as zod names it in "received ..." messages.
enum class JsType { kNull, kBoolean, kNumber, kString, kArray, kObject };

// zod's word for `type`: "null", "boolean", "number", "string", "array", "object".
std::string_view js_type_name(JsType type) noexcept;

// One member of the top-level object.
struct BodyMember {
  std::string name;
  JsType type = JsType::kNull;
  std::string string;  // the value when type is kString
  // The value's JavaScript `length` property when it has one that is not undefined, already
  // converted as a relational comparison with a number converts it: an array's element count, or
  // ToNumber(ToPrimitive(v)) of an object's "length" member v (NaN when not numeric).
  std::optional<double> length;
};

// A parsed body whose top level is an object or an array (no members). Only the members the
// caller asked for are kept, each at its last occurrence (JSON.parse semantics).
struct JsonBody {
  JsType type = JsType::kObject;
  std::vector<BodyMember> members;  // one per name asked for and present, in no set order
  const BodyMember* find(std::string_view name) const noexcept;
};

// A text that is not a JSON body: the byte offset where parsing stopped (never the text).
struct JsonBodyError {
  std::size_t offset = 0;
};

// Parses `text` as body-parser's strict mode followed by JSON.parse would: an empty text is {};
// a leading UTF-8 BOM is skipped (as the original's decoder did); otherwise the first
// non-whitespace character must be '{' or '['. Stricter than JSON.parse only in refusing lone
// surrogate escapes and numbers beyond double range, as nlohmann::json does (the request_body
// fuzz replay checks that both accept the same texts).
//
// Only the top-level members named in `names` (a schema's handful) are kept; every other value
// is checked for well-formedness and skipped without being stored. Time is linear in the text,
// whatever its shape (many members, deep nesting, long strings, escapes), and the memory beyond
// the kept strings is constant but for one bit per open container.
std::variant<JsonBody, JsonBodyError> parse_json_body(std::string_view text,
                                                      std::span<const std::string_view> names);

}  // namespace authkit::detail
