// The JWT payload: serialising Claims in the original's order, and validating a parsed payload.
#include "token/claims.hpp"

#include <algorithm>

#include "authkit/crypto.hpp"
#include "base/text.hpp"

namespace authkit::detail {
namespace {

bool is_decimal(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const std::string* string_member(const JsonObject& payload, std::string_view name) {
  const JsonMember* member = find_member(payload, name);
  return member != nullptr && member->kind == JsonMember::Kind::kString ? &member->string : nullptr;
}

std::optional<std::int64_t> integer_member(const JsonObject& payload, std::string_view name) {
  const JsonMember* member = find_member(payload, name);
  if (member == nullptr || member->kind != JsonMember::Kind::kInteger) return std::nullopt;
  return member->integer;
}

bool audience_matches(const JsonMember* aud, const std::string& expected) {
  if (aud == nullptr) return false;
  if (aud->kind == JsonMember::Kind::kString) return aud->string == expected;
  return aud->kind == JsonMember::Kind::kArray && aud->array_of_strings &&
         std::find(aud->strings.begin(), aud->strings.end(), expected) != aud->strings.end();
}

}  // namespace

std::string serialize_claims(const Claims& claims) {
  std::string out;
  out.reserve(256);
  out += R"({"sid":)";
  out += text::json_quote(claims.session_id);
  out += R"(,"typ":")";
  out += to_string(claims.type);
  out += R"(","iat":)";
  out += std::to_string(claims.issued_at);
  out += R"(,"exp":)";
  out += std::to_string(claims.expires_at);
  out += R"(,"aud":)";
  out += text::json_quote(claims.audience);
  out += R"(,"iss":)";
  out += text::json_quote(claims.issuer);
  out += R"(,"sub":)";
  out += text::json_quote(claims.subject);
  out += R"(,"jti":)";
  out += text::json_quote(claims.jwt_id);
  out += '}';
  return out;
}

Result<Claims, TokenRejection> validate_claims(const JsonObject& payload, TokenType expected,
                                               const TokenValidation& validation,
                                               std::int64_t now_seconds) {
  const std::string* typ = string_member(payload, "typ");
  if (typ == nullptr || *typ != to_string(expected)) return TokenRejection::kWrongType;
  const std::string* iss = string_member(payload, "iss");
  if (iss == nullptr || *iss != validation.issuer) return TokenRejection::kBadIssuer;
  if (!audience_matches(find_member(payload, "aud"), validation.audience)) {
    return TokenRejection::kBadAudience;
  }
  const std::string* sub = string_member(payload, "sub");
  const std::string* sid = string_member(payload, "sid");
  const std::string* jti = string_member(payload, "jti");
  const auto iat = integer_member(payload, "iat");
  const auto exp = integer_member(payload, "exp");
  if (sub == nullptr || !is_decimal(*sub) || sid == nullptr || !crypto::is_uuid(*sid) ||
      jti == nullptr || !crypto::is_uuid(*jti) || !iat || !exp) {
    return TokenRejection::kBadClaims;
  }
  const std::int64_t leeway = validation.leeway.count();
  if (const JsonMember* nbf = find_member(payload, "nbf")) {
    if (nbf->kind != JsonMember::Kind::kInteger) return TokenRejection::kBadClaims;
    if (nbf->integer > now_seconds + leeway) return TokenRejection::kNotYetValid;
  }
  // Valid while now < exp, as the original (jsonwebtoken) decides it; leeway extends it.
  if (now_seconds - leeway >= *exp) return TokenRejection::kExpired;
  return Claims{*sid, expected, *iat, *exp, validation.audience, *iss, *sub, *jti};
}

}  // namespace authkit::detail
