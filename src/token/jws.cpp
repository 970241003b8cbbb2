// Compact JWS signing and verification under one given key.
#include "authkit/crypto.hpp"
#include "authkit/jwt.hpp"
#include "token/compact.hpp"
#include "token/header.hpp"

namespace authkit {
inline namespace v1 {
namespace jws {

Result<std::string> sign_compact(const SigningKey& key, std::string_view header_json,
                                 std::string_view payload) {
  std::string token = crypto::base64url_encode(header_json);
  token += '.';
  token += crypto::base64url_encode(payload);
  auto signature = key.sign(token);
  if (!signature) return std::move(signature).error();
  token += '.';
  token += crypto::base64url_encode(*signature);
  return token;
}

Result<Verified, TokenRejection> verify_compact(std::string_view token, const SigningKey& key) {
  if (token.size() > kMaxTokenSize) return TokenRejection::kTooLarge;
  const auto parts = detail::split_compact(token);
  if (!parts) return TokenRejection::kMalformed;
  auto header = detail::parse_header(parts->header);
  if (!header) return header.error();
  if (header->algorithm != key.algorithm()) return TokenRejection::kAlgorithmMismatch;
  const auto signature = crypto::base64url_decode(parts->signature);
  if (!signature) return TokenRejection::kMalformed;
  if (!key.verify(parts->signing_input, *signature)) return TokenRejection::kBadSignature;
  auto header_json = crypto::base64url_decode(parts->header);
  auto payload = crypto::base64url_decode(parts->payload);
  if (!header_json || !payload) return TokenRejection::kMalformed;
  return Verified{std::move(*header_json), std::move(*payload)};
}

}  // namespace jws
}  // namespace v1
}  // namespace authkit
