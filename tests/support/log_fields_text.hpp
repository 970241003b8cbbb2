// The text of log or audit fields, for "no secret anywhere" checks in the recording sinks.
#pragma once

#include <string>
#include <variant>

#include "authkit/logger.hpp"

namespace authkit::testing {

// " key=value" for every field, the value only where it is a string (numbers carry no secret).
inline std::string fields_text(const LogFields& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    out += " " + key + "=";
    if (const auto* s = std::get_if<std::string>(&value)) out += *s;
  }
  return out;
}

}  // namespace authkit::testing
