// Fuzz target: the request-body parsers of the contract (JSON text from any client).
#include <cstdlib>
#include <optional>
#include <string_view>

#include "authkit/contract.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::optional<std::string_view> body(
      std::string_view(reinterpret_cast<const char*>(data), size));
  auto registered = authkit::parse_register_input(body);
  auto login = authkit::parse_create_session_input(body);
  auto refresh = authkit::parse_refresh_token_input(body);
  // A refusal is always INVALID_PAYLOAD with at least one detail; never anything else.
  for (const authkit::Error* e :
       {registered ? nullptr : &registered.error(), login ? nullptr : &login.error(),
        refresh ? nullptr : &refresh.error()}) {
    if (e != nullptr && (e->code != authkit::ErrorCode::kInvalidPayload || e->details.empty())) {
      std::abort();
    }
  }
  return 0;
}

std::vector<std::string> authkit_fuzz::seeds() {
  return {
      R"({"name":"Vector User","email":"a@b.cd","password":"correct-horse-battery"})",
      R"({"email":" A.B@C.DE ","password":"12345678"})",
      R"({"refreshToken":"  x  "})",
      R"({"name":[],"password":{"length":"x"},"email":null})",
      R"([1,2,3])",
      "",
      R"({"name":"\u00e9\ud83d\ude00","email":"x@y.zz","password":"\u0000\u0000\u0000\u0000"})"};
}
