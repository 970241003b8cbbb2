/// @file
/// JWT access and refresh tokens: claims, key sets, issuing and strict verification.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authkit/export.hpp"
#include "authkit/result.hpp"
#include "authkit/signing_key.hpp"

namespace authkit {
inline namespace v1 {

/// The two kinds of token: separate keys, separate `typ` claims.
enum class TokenType { kAccess, kRefresh };

/// "access" / "refresh": the `typ` claim.
AUTHKIT_API std::string_view to_string(TokenType type) noexcept;

/// The claims of a libauthkit token, serialised in exactly this order (the original's):
/// sid, typ, iat, exp, aud, iss, sub, jti.
struct Claims {
  std::string session_id;               ///< sid
  TokenType type = TokenType::kAccess;  ///< The token's kind (`typ` claim).
  std::int64_t issued_at = 0;           ///< iat, seconds since the epoch
  std::int64_t expires_at = 0;          ///< exp, seconds since the epoch
  std::string audience;                 ///< aud
  std::string issuer;                   ///< iss
  std::string subject;                  ///< sub: the user id in decimal
  std::string jwt_id;                   ///< jti
  friend bool operator==(const Claims&, const Claims&) = default;  ///< Field-wise equality.
};

/// Why a token was refused. Every rejection is INVALID_TOKEN to a client; the reason is for the
/// caller's decisions (an expired refresh token is REFRESH_TOKEN_EXPIRED,
/// docs/compatibility.md#refresh-token-expired) and for logs.
enum class TokenRejection {
  kTooLarge,              ///< over 8 KiB
  kMalformed,             ///< not three base64url segments of JSON objects, duplicate members...
  kUnsupportedAlgorithm,  ///< "none" or an algorithm name libauthkit does not know
  kUnknownKey,            ///< no key of this token type has the header's kid
  kAlgorithmMismatch,     ///< the header names another algorithm than the key is bound to
  kBadSignature,
  kWrongType,    ///< typ is not the expected token type
  kBadIssuer,    ///< iss
  kBadAudience,  ///< aud
  kBadClaims,    ///< sub/sid/jti/iat/exp missing or of the wrong shape
  kNotYetValid,  ///< nbf in the future
  kExpired,      ///< checked last: an expired token is otherwise entirely valid
};

/// A short name of `rejection` for logs (never the token).
AUTHKIT_API std::string_view to_string(TokenRejection rejection) noexcept;
/// INVALID_TOKEN with the reason as diagnostic.
AUTHKIT_API Error to_error(TokenRejection rejection);

/// The keys of both token types. Each key is bound to one token type and one algorithm; kids
/// are unique across the set, and each type has at most one key without kid. The first key added
/// for a type that can sign is the one that signs that type's tokens; the others only verify
/// (rotation without downtime). Refresh tokens are only ever verified by this service, so their
/// keys must be HS256.
class AUTHKIT_API KeySet {
 public:
  /// Adds `key` for tokens of `type`; fails for a key id already present.
  Result<void> add(TokenType type, SigningKey key);

  /// The key that signs tokens of `type`; nullptr when none can sign.
  const SigningKey* signing_key(TokenType type) const noexcept;
  /// Every key of `type`, the signing key first: the active key, then those that only verify.
  std::vector<const SigningKey*> keys(TokenType type) const;
  /// The key of `type` with this kid ("" = the key without kid); nullptr when there is none.
  const SigningKey* find(TokenType type, std::string_view kid) const noexcept;
  /// The key of `type` whose canonical encoded header is exactly `encoded_header`, or nullptr:
  /// lets verification skip parsing the header it would have parsed to the same key anyway.
  const SigningKey* find_by_header(TokenType type, std::string_view encoded_header) const noexcept;
  /// The RFC 7517 JWK Set of every public key ({"keys":[...]}); HMAC keys are never included.
  std::string jwks() const;

 private:
  struct Entry {
    TokenType type;
    SigningKey key;
  };
  std::vector<Entry> entries_;
};

/// What verification requires of every token besides its signature.
struct TokenValidation {
  std::string issuer;              ///< The required `iss` (JWT_ISSUER).
  std::string audience;            ///< The required `aud` (JWT_AUDIENCE), or an array holding it.
  std::chrono::seconds leeway{0};  ///< tolerance for exp and nbf
};

/// Issues and verifies tokens. Immutable after construction; thread-safe.
class AUTHKIT_API TokenCodec {
 public:
  /// A codec signing and verifying with `keys` under `validation`.
  TokenCodec(KeySet keys, TokenValidation validation);

  /// Signs `claims` with the signing key of claims.type.
  Result<std::string> issue(const Claims& claims) const;
  /// Signs `claims` with `key` (one of keys().keys(claims.type) that can sign): an HMAC token
  /// again exactly as a key that is now verify-only signed it (the reuse grace after a rotation).
  Result<std::string> issue(const Claims& claims, const SigningKey& key) const;

  /// Verifies the signature with the key the header's kid selects among keys of `expected` type
  /// (the algorithm comes from that key), then the claims: typ, iss, aud (a string, or an array
  /// holding it), sub (decimal digits), sid and jti (UUIDs), iat and exp (required integers), nbf
  /// when present, and last the expiry against `now_seconds` with the configured leeway.
  Result<Claims, TokenRejection> verify(std::string_view token, TokenType expected,
                                        std::int64_t now_seconds) const;

  const KeySet& keys() const noexcept { return keys_; }  ///< The keys the codec uses.
  /// What the codec requires of tokens.
  const TokenValidation& validation() const noexcept { return validation_; }

 private:
  KeySet keys_;
  TokenValidation validation_;
};

/// Compact JWS (RFC 7515) below the claims layer, e.g. for the RFC's own test vectors.
namespace jws {

/// A verified token: its decoded header and payload.
struct Verified {
  std::string header;   ///< decoded header JSON
  std::string payload;  ///< decoded payload bytes
};

/// BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature), header and payload as given.
AUTHKIT_API Result<std::string> sign_compact(const SigningKey& key, std::string_view header_json,
                                             std::string_view payload);
/// Verifies `token` under `key`: the header must be a JSON object without duplicate members
/// naming exactly the key's algorithm. The payload may be any bytes.
AUTHKIT_API Result<Verified, TokenRejection> verify_compact(std::string_view token,
                                                            const SigningKey& key);

}  // namespace jws

/// The largest token libauthkit accepts, in bytes.
inline constexpr std::size_t kMaxTokenSize = 8 * 1024;

}  // namespace v1
}  // namespace authkit
