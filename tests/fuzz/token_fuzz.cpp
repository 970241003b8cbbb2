// Fuzz target: token verification (TokenCodec::verify and jws::verify_compact) on any bytes,
// with a key of every algorithm libauthkit verifies (HS256, HS384, HS512, RS256, ES256, EdDSA).
#include <cstdlib>
#include <string_view>
#include <utility>

#include "authkit/jwt.hpp"
#include "fuzz_keys.hpp"
#include "fuzz_target.hpp"

using authkit_fuzz::expect;

namespace {

using namespace authkit;

constexpr std::int64_t kNow = 1800000000;

SigningKey must(Result<SigningKey> key) {
  expect(key.ok(), "the fixed keys load");
  return std::move(*key);
}

// One access key per algorithm (the HS256 one without kid signs), two refresh keys.
const std::vector<SigningKey>& access_keys() {
  static const std::vector<SigningKey> keys{
      must(SigningKey::hmac(JwtAlgorithm::kHS256, std::string(48, 'a'))),
      must(SigningKey::hmac(JwtAlgorithm::kHS384, std::string(48, 'b'), "hs384")),
      must(SigningKey::hmac(JwtAlgorithm::kHS512, std::string(64, 'c'), "hs512")),
      must(SigningKey::from_pem(JwtAlgorithm::kRS256, authkit_fuzz::kRs256Pem, "rs")),
      must(SigningKey::from_pem(JwtAlgorithm::kES256, authkit_fuzz::kEs256Pem, "es")),
      must(SigningKey::from_pem(JwtAlgorithm::kEdDSA, authkit_fuzz::kEdDsaPem, "ed")),
  };
  return keys;
}

const std::vector<SigningKey>& refresh_keys() {
  static const std::vector<SigningKey> keys{
      must(SigningKey::hmac(JwtAlgorithm::kHS256, std::string(48, 'r'))),
      must(SigningKey::hmac(JwtAlgorithm::kHS256, std::string(48, 's'), "r2")),
  };
  return keys;
}

const TokenValidation kValidation{"auth-api", "auth-api-clients"};

const TokenCodec& codec() {
  static const TokenCodec instance = [] {
    KeySet keys;
    for (const auto& key : access_keys()) {
      expect(keys.add(TokenType::kAccess, key).ok(), "kids are unique");
    }
    for (const auto& key : refresh_keys()) {
      expect(keys.add(TokenType::kRefresh, key).ok(), "kids are unique");
    }
    return TokenCodec(std::move(keys), kValidation);
  }();
  return instance;
}

Claims claims(TokenType type) {
  return Claims{"e9a6d04e-f35c-4834-b92e-9485620273a1",
                type,
                kNow,
                kNow + 900,
                "auth-api-clients",
                "auth-api",
                "42",
                "5f428015-3654-4757-a1ef-7edc13b2796f"};
}

// A token of `type` signed by `key` alone (its kid in the header), as a seed.
std::string issued_by(const SigningKey& key, TokenType type) {
  KeySet one;
  expect(one.add(type, key).ok(), "a key set of one key");
  return TokenCodec(std::move(one), kValidation).issue(claims(type)).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  for (const auto type : {TokenType::kAccess, TokenType::kRefresh}) {
    auto verified = codec().verify(token, type, kNow);
    // Whatever the input, an accepted token must carry well-formed claims of that type.
    if (!verified) continue;
    expect(verified->type == type, "an accepted token is of the expected type");
    expect(!verified->subject.empty(), "an accepted token has a subject");
    expect(verified->expires_at >= kNow, "an accepted token has not expired");
  }
  // Below the claims: the compact form under each key (the header must name the key's algorithm).
  for (const auto& key : access_keys()) (void)jws::verify_compact(token, key);
  return 0;
}

std::vector<std::string> authkit_fuzz::seeds() {
  std::vector<std::string> out;
  for (const auto& key : access_keys()) out.push_back(issued_by(key, TokenType::kAccess));
  for (const auto& key : refresh_keys()) out.push_back(issued_by(key, TokenType::kRefresh));
  out.push_back(
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
      "fQ."
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  out.push_back("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.");
  out.push_back("e30.e30.e30");
  return out;
}
