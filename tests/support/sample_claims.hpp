// One set of claims of either token type, fixed, for the unit suites that sign and verify.
#pragma once

#include "authkit/jwt.hpp"

namespace authkit_test {

inline authkit::Claims sample_claims(authkit::TokenType type) {
  return authkit::Claims{
      "e9a6d04e-f35c-4834-b92e-9485620273a1", type, 1800000000, 1800000900, "aud-x", "iss-x", "7",
      "5f428015-3654-4757-a1ef-7edc13b2796f"};
}

}  // namespace authkit_test
