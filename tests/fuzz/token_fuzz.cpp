// Fuzz target: token verification (TokenCodec::verify and jws::verify_compact) on any bytes.
#include <cstdlib>
#include <string_view>

#include "authkit/jwt.hpp"
#include "fuzz_target.hpp"

namespace {

using namespace authkit;

const std::string kAccessSecret(48, 'a');
const std::string kRefreshSecret(48, 'r');

const TokenCodec& codec() {
  static const TokenCodec instance = [] {
    KeySet keys;
    if (!keys.add(TokenType::kAccess,
                  SigningKey::hmac(JwtAlgorithm::kHS256, kAccessSecret).value()) ||
        !keys.add(TokenType::kAccess, SigningKey::generate(JwtAlgorithm::kES256, "es").value()) ||
        !keys.add(TokenType::kAccess, SigningKey::generate(JwtAlgorithm::kEdDSA, "ed").value()) ||
        !keys.add(TokenType::kRefresh,
                  SigningKey::hmac(JwtAlgorithm::kHS256, kRefreshSecret).value())) {
      std::abort();
    }
    return TokenCodec(keys, TokenValidation{"auth-api", "auth-api-clients"});
  }();
  return instance;
}

Claims claims(TokenType type) {
  return Claims{"e9a6d04e-f35c-4834-b92e-9485620273a1",
                type,
                1800000000,
                1800000900,
                "auth-api-clients",
                "auth-api",
                "42",
                "5f428015-3654-4757-a1ef-7edc13b2796f"};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  for (const auto type : {TokenType::kAccess, TokenType::kRefresh}) {
    auto verified = codec().verify(token, type, 1800000000);
    // Whatever the input, an accepted token must carry well-formed claims of that type.
    if (verified && (verified->type != type || verified->subject.empty())) std::abort();
  }
  const auto* key = codec().keys().find(TokenType::kAccess, "");
  (void)jws::verify_compact(token, *key);
  return 0;
}

std::vector<std::string> authkit_fuzz::seeds() {
  std::vector<std::string> out;
  for (const auto type : {TokenType::kAccess, TokenType::kRefresh}) {
    out.push_back(codec().issue(claims(type)).value());
  }
  out.push_back(
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
      "fQ."
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  out.push_back("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.");
  out.push_back("e30.e30.e30");
  return out;
}
