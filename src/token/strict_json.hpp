// Strict parsing of a JWS header or JWT payload: one JSON object, no duplicate member names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authkit::detail {

// The value of one top-level member, reduced to what token validation needs.
struct JsonMember {
  enum class Kind { kString, kInteger, kNumber, kBool, kNull, kArray, kObject };
  std::string name;
  Kind kind = Kind::kNull;
  std::string string;                // kString
  std::int64_t integer = 0;          // kInteger (fits in int64)
  std::vector<std::string> strings;  // kArray: its string elements
  bool array_of_strings = true;      // kArray: false when an element is not a string
};

// The top-level members in document order.
using JsonObject = std::vector<JsonMember>;

// Parses `text` as one JSON object (RFC 8259, valid UTF-8), refusing duplicate member names at
// any depth, nesting deeper than 16, and anything after the object. nullopt when refused.
std::optional<JsonObject> parse_strict_object(std::string_view text);

// The member called `name`, or nullptr.
const JsonMember* find_member(const JsonObject& object, std::string_view name) noexcept;

}  // namespace authkit::detail
