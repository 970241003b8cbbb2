// Argon2 password hashes through libsodium's crypto_pwhash_str family.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "authkit/result.hpp"

namespace authkit::detail {

// True when `stored_hash` claims to be an Argon2id or Argon2i hash (by its prefix only).
bool is_argon2_hash(std::string_view stored_hash) noexcept;

// A new "$argon2id$..." string for `password`. The limits must be within libsodium's range.
Result<std::string> argon2id_hash(std::string_view password, std::uint64_t opslimit,
                                  std::size_t memlimit);

// Whether `password` matches an Argon2id/Argon2i `stored_hash`; an error when the stored hash
// cannot be decoded or the computation itself fails (out of memory).
Result<bool> argon2_verify(std::string_view password, std::string_view stored_hash);

// True unless `stored_hash` is a well-formed Argon2id hash made with exactly these limits.
bool argon2id_needs_rehash(std::string_view stored_hash, std::uint64_t opslimit,
                           std::size_t memlimit);

}  // namespace authkit::detail
