// Reading a JWS protected header: which algorithm and which key it asks for.
#include "token/header.hpp"

#include "authkit/crypto.hpp"
#include "token/strict_json.hpp"

namespace authkit::detail {

Result<JwsHeader, TokenRejection> parse_header(std::string_view encoded_header) {
  const auto decoded = crypto::base64url_decode(encoded_header);
  if (!decoded) return TokenRejection::kMalformed;
  const auto header = parse_strict_object(*decoded);
  if (!header) return TokenRejection::kMalformed;
  const JsonMember* alg = find_member(*header, "alg");
  if (alg == nullptr || alg->kind != JsonMember::Kind::kString) return TokenRejection::kMalformed;
  const auto algorithm = jwt_algorithm_from_string(alg->string);
  if (!algorithm) return TokenRejection::kUnsupportedAlgorithm;
  if (find_member(*header, "crit") != nullptr) return TokenRejection::kMalformed;
  const JsonMember* typ = find_member(*header, "typ");
  if (typ != nullptr && (typ->kind != JsonMember::Kind::kString || typ->string != "JWT")) {
    return TokenRejection::kMalformed;
  }
  const JsonMember* kid = find_member(*header, "kid");
  if (kid != nullptr && (kid->kind != JsonMember::Kind::kString || kid->string.empty())) {
    return TokenRejection::kMalformed;
  }
  return JwsHeader{*algorithm, kid != nullptr ? kid->string : std::string()};
}

}  // namespace authkit::detail
