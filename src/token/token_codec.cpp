// TokenCodec: issuing access and refresh tokens, and verifying them strictly.
#include "authkit/crypto.hpp"
#include "authkit/jwt.hpp"
#include "token/claims.hpp"
#include "token/compact.hpp"
#include "token/header.hpp"

namespace authkit {
inline namespace v1 {
namespace {

// The key a token's header selects among the keys of the expected type. A header that is
// byte-for-byte a key's own canonical header needs no parsing (the common case); any other is
// parsed strictly. Either way the algorithm is the key's, never the header's alone.
Result<const SigningKey*, TokenRejection> select_key(const KeySet& keys, TokenType expected,
                                                     std::string_view encoded_header) {
  if (const SigningKey* key = keys.find_by_header(expected, encoded_header)) return key;
  auto header = detail::parse_header(encoded_header);
  if (!header) return header.error();
  const SigningKey* key = keys.find(expected, header->kid);
  if (key == nullptr) return TokenRejection::kUnknownKey;
  if (key->algorithm() != header->algorithm) return TokenRejection::kAlgorithmMismatch;
  return key;
}

}  // namespace

std::string_view to_string(TokenType type) noexcept {
  return type == TokenType::kAccess ? "access" : "refresh";
}

std::string_view to_string(TokenRejection rejection) noexcept {
  switch (rejection) {
    case TokenRejection::kTooLarge:
      return "token too large";
    case TokenRejection::kMalformed:
      return "malformed token";
    case TokenRejection::kUnsupportedAlgorithm:
      return "unsupported algorithm";
    case TokenRejection::kUnknownKey:
      return "unknown key";
    case TokenRejection::kAlgorithmMismatch:
      return "algorithm does not match the key";
    case TokenRejection::kBadSignature:
      return "bad signature";
    case TokenRejection::kWrongType:
      return "wrong token type";
    case TokenRejection::kBadIssuer:
      return "wrong issuer";
    case TokenRejection::kBadAudience:
      return "wrong audience";
    case TokenRejection::kBadClaims:
      return "missing or malformed claims";
    case TokenRejection::kNotYetValid:
      return "token not yet valid";
    case TokenRejection::kExpired:
      return "token expired";
  }
  return "rejected";
}

Error to_error(TokenRejection rejection) {
  return Error(ErrorCode::kInvalidToken, std::string(to_string(rejection)));
}

TokenCodec::TokenCodec(KeySet keys, TokenValidation validation)
    : keys_(std::move(keys)), validation_(std::move(validation)) {}

Result<std::string> TokenCodec::issue(const Claims& claims) const {
  const SigningKey* key = keys_.signing_key(claims.type);
  if (key == nullptr) {
    return Error(ErrorCode::kInternalServerError,
                 "no key can sign " + std::string(to_string(claims.type)) + " tokens");
  }
  return issue(claims, *key);
}

Result<std::string> TokenCodec::issue(const Claims& claims, const SigningKey& key) const {
  std::string token = key.encoded_header();
  token += '.';
  token += crypto::base64url_encode(detail::serialize_claims(claims));
  auto signature = key.sign(token);
  if (!signature) return std::move(signature).error();
  token += '.';
  token += crypto::base64url_encode(*signature);
  return token;
}

Result<Claims, TokenRejection> TokenCodec::verify(std::string_view token, TokenType expected,
                                                  std::int64_t now_seconds) const {
  if (token.size() > kMaxTokenSize) return TokenRejection::kTooLarge;
  const auto parts = detail::split_compact(token);
  if (!parts) return TokenRejection::kMalformed;
  auto key = select_key(keys_, expected, parts->header);
  if (!key) return key.error();
  const auto signature = crypto::base64url_decode(parts->signature);
  if (!signature) return TokenRejection::kMalformed;
  if (!(*key)->verify(parts->signing_input, *signature)) return TokenRejection::kBadSignature;
  const auto payload_json = crypto::base64url_decode(parts->payload);
  if (!payload_json) return TokenRejection::kMalformed;
  const auto payload = detail::parse_strict_object(*payload_json);
  if (!payload) return TokenRejection::kMalformed;
  return detail::validate_claims(*payload, expected, validation_, now_seconds);
}

}  // namespace v1
}  // namespace authkit
