// Reading a JWS protected header: which algorithm and which key it asks for.
#pragma once

#include <string>
#include <string_view>

#include "authkit/jwt.hpp"

namespace authkit::detail {

struct JwsHeader {
  JwtAlgorithm algorithm;
  std::string kid;  // "" when absent
};

// Decodes and parses a base64url header segment. Refused: anything but a JSON object without
// duplicates, an alg other than a known algorithm name ("none" included), a non-string kid or
// typ, a typ other than "JWT", and any "crit" extension (none is understood here).
Result<JwsHeader, TokenRejection> parse_header(std::string_view encoded_header);

}  // namespace authkit::detail
