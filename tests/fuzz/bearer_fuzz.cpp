// Fuzz target: extract_bearer_token on any Authorization value.
#include <cstdlib>
#include <string>
#include <string_view>

#include "authkit/bearer.hpp"
#include "fuzz_target.hpp"
#include "js/js_string.hpp"

using authkit_fuzz::expect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view authorization(reinterpret_cast<const char*>(data), size);
  const auto token = authkit::extract_bearer_token(authorization);
  if (!token) return 0;
  // The token views the value itself, is never empty, and is trimmed.
  expect(!token->empty(), "a token is never empty");
  expect(token->data() >= authorization.data() &&
             token->data() + token->size() <= authorization.data() + authorization.size(),
         "the token views the value");
  expect(authkit::detail::js_trim(*token) == *token, "the token is trimmed");
  // The scheme is "bearer" in any ASCII case: so "Bearer <token>" gives the token back.
  const std::string again = "Bearer " + std::string(*token);
  const auto reread = authkit::extract_bearer_token(again);
  expect(reread && *reread == *token, "\"Bearer \" + token gives the token back");
  return 0;
}

std::vector<std::string> authkit_fuzz::seeds() {
  return {"Bearer abc.def.ghi",
          "bearer  x ",
          "BEARER a b",
          "Bearer",
          "Bearer\tabc",
          "Basic dXNlcg==",
          " \xC2\xA0"
          "Bearer tok\xE2\x80\xA8",
          "",
          "Bearer \xEF\xBB\xBF"};
}
