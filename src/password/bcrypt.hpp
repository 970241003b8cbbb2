// bcrypt password hashes ($2a$, $2b$, $2y$) through libxcrypt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "authkit/result.hpp"

namespace authkit::detail {

// What a well-formed bcrypt hash says about itself.
struct BcryptHashInfo {
  char variant;  // 'a', 'b' or 'y'
  int cost;      // log2 of the rounds, 4..31
};

// The variant and cost of `stored_hash` when it is a well-formed 60-character bcrypt hash
// ("$2b$10$" + 22 salt + 31 hash characters of bcrypt's base64 alphabet); nullopt otherwise.
std::optional<BcryptHashInfo> parse_bcrypt_hash(std::string_view stored_hash) noexcept;

// A new "$2b$<rounds>$..." hash. The caller has checked the rounds and that `password` has at
// most 72 bytes and no NUL (bcrypt would silently drop what follows either).
Result<std::string> bcrypt_hash(std::string_view password, int rounds);

// Whether `password` matches a bcrypt `stored_hash`, compared in constant time. Like the
// original's bcrypt, only the first 72 bytes of the password count. An error when the stored
// hash is not a well-formed bcrypt hash.
Result<bool> bcrypt_verify(std::string_view password, std::string_view stored_hash);

}  // namespace authkit::detail
