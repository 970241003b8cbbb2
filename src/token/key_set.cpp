// KeySet: the keys of both token types, their binding rules and the JWKS document.
#include "authkit/jwt.hpp"
#include "token/key_material.hpp"

namespace authkit {
inline namespace v1 {

Result<void> KeySet::add(TokenType type, SigningKey key) {
  if (type == TokenType::kRefresh && key.algorithm() != JwtAlgorithm::kHS256) {
    // Refresh tokens are only ever verified by this service: a symmetric key is enough and keeps
    // the original's format (docs/api.md#token-claims).
    return detail::key_error("refresh tokens use HS256 keys only");
  }
  for (const auto& entry : entries_) {
    if (!key.kid().empty() && entry.key.kid() == key.kid()) {
      return detail::key_error("two keys have the kid \"" + key.kid() + "\"");
    }
    if (key.kid().empty() && entry.type == type && entry.key.kid().empty()) {
      return detail::key_error(std::string("two ") + std::string(to_string(type)) +
                               " token keys have no kid");
    }
  }
  entries_.push_back(Entry{type, std::move(key)});
  return {};
}

const SigningKey* KeySet::signing_key(TokenType type) const noexcept {
  for (const auto& entry : entries_) {
    if (entry.type == type && entry.key.can_sign()) return &entry.key;
  }
  return nullptr;
}

std::vector<const SigningKey*> KeySet::keys(TokenType type) const {
  std::vector<const SigningKey*> keys;
  const SigningKey* signing = signing_key(type);
  if (signing != nullptr) keys.push_back(signing);
  for (const auto& entry : entries_) {
    if (entry.type == type && &entry.key != signing) keys.push_back(&entry.key);
  }
  return keys;
}

const SigningKey* KeySet::find(TokenType type, std::string_view kid) const noexcept {
  for (const auto& entry : entries_) {
    if (entry.type == type && entry.key.kid() == kid) return &entry.key;
  }
  return nullptr;
}

const SigningKey* KeySet::find_by_header(TokenType type,
                                         std::string_view encoded_header) const noexcept {
  for (const auto& entry : entries_) {
    if (entry.type == type && entry.key.encoded_header() == encoded_header) return &entry.key;
  }
  return nullptr;
}

std::string KeySet::jwks() const {
  std::string out = R"({"keys":[)";
  bool first = true;
  for (const auto& entry : entries_) {
    auto jwk = entry.key.public_jwk();
    if (!jwk) continue;
    if (!first) out += ',';
    out += *jwk;
    first = false;
  }
  out += "]}";
  return out;
}

}  // namespace v1
}  // namespace authkit
