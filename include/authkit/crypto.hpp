/// @file
/// Cryptographic primitives: CSPRNG, SHA-256, constant-time equality, base64url, UUID v4.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "authkit/export.hpp"

namespace authkit {
inline namespace v1 {
namespace crypto {

/// Fills `out` from the operating system's CSPRNG (libsodium). Thread-safe.
AUTHKIT_API void random_bytes(std::span<std::uint8_t> out);

/// A random RFC 9562 version-4 UUID, lowercase, 36 characters.
AUTHKIT_API std::string random_uuid_v4();

/// True when `text` has the UUID shape the contract accepts (versions 1-8, variant 8/9/a/b,
/// either case, plus the nil and max UUIDs).
AUTHKIT_API bool is_uuid(std::string_view text) noexcept;

using Sha256Digest = std::array<std::uint8_t, 32>;                ///< A SHA-256 digest, 32 bytes.
AUTHKIT_API Sha256Digest sha256(std::string_view data) noexcept;  ///< SHA-256 of `data`.
/// SHA-256 of `data` as 64 lowercase hex digits: how refresh tokens are stored.
AUTHKIT_API std::string sha256_hex(std::string_view data);

/// Equality whose running time depends only on the lengths, never on where the inputs differ.
/// Use it for every comparison of a MAC, token, hash or secret.
AUTHKIT_API bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

/// RFC 4648 section 5 base64url without padding.
AUTHKIT_API std::string base64url_encode(std::string_view bytes);
/// base64url of `bytes`, without padding.
AUTHKIT_API std::string base64url_encode(std::span<const std::uint8_t> bytes);
/// Strict decoding: nullopt for padding, any character outside the alphabet, a length that no
/// encoding produces (4n+1), or non-zero trailing bits (so every input has one decoding).
AUTHKIT_API std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace crypto
}  // namespace v1
}  // namespace authkit
