// Argon2 password hashes through libsodium's crypto_pwhash_str family.
#include "password/argon2id.hpp"

#include <sodium.h>

#include <array>
#include <cerrno>
#include <optional>

#include "authkit/password.hpp"
#include "crypto/sodium.hpp"

namespace authkit::detail {
namespace {

static_assert(kArgon2OpslimitInteractive == crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
              "the public default must be libsodium's interactive opslimit");
static_assert(kArgon2MemlimitInteractive == crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE,
              "the public default must be libsodium's interactive memlimit");

constexpr std::string_view kArgon2idPrefix = crypto_pwhash_argon2id_STRPREFIX;
constexpr std::string_view kArgon2iPrefix = crypto_pwhash_argon2i_STRPREFIX;

Error unusable_hash() {
  // The stored hash itself stays out of the diagnostic: it is credential material.
  return Error(ErrorCode::kInternalServerError, "stored password hash is not a valid Argon2 hash");
}

// libsodium wants a NUL-terminated string shorter than crypto_pwhash_STRBYTES; nullopt when
// `stored_hash` cannot be one (too long, or an embedded NUL that would cut it short).
std::optional<std::array<char, crypto_pwhash_STRBYTES>> c_string(std::string_view stored_hash) {
  if (stored_hash.size() >= crypto_pwhash_STRBYTES ||
      stored_hash.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::array<char, crypto_pwhash_STRBYTES> out{};
  stored_hash.copy(out.data(), stored_hash.size());
  return out;
}

}  // namespace

bool is_argon2_hash(std::string_view stored_hash) noexcept {
  return stored_hash.starts_with(kArgon2idPrefix) || stored_hash.starts_with(kArgon2iPrefix);
}

Result<std::string> argon2id_hash(std::string_view password, std::uint64_t opslimit,
                                  std::size_t memlimit) {
  ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), opslimit, memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error(ErrorCode::kInternalServerError,
                 "crypto_pwhash_str failed: could not allocate the Argon2id memory");
  }
  return std::string(out.data());
}

Result<bool> argon2_verify(std::string_view password, std::string_view stored_hash) {
  ensure_sodium();
  const auto str = c_string(stored_hash);
  if (!str) return unusable_hash();
  // crypto_pwhash_str_verify answers -1 for a mismatch and for a malformed string alike; the
  // needs_rehash decoders tell them apart first (any limits do: only -1 matters here).
  const int decodable = stored_hash.starts_with(kArgon2idPrefix)
                            ? crypto_pwhash_argon2id_str_needs_rehash(str->data(), 1, 8192)
                            : crypto_pwhash_argon2i_str_needs_rehash(str->data(), 1, 8192);
  if (decodable < 0) return unusable_hash();
  errno = 0;
  if (crypto_pwhash_str_verify(str->data(), password.data(), password.size()) == 0) return true;
  // libsodium sets EINVAL for a mismatch; anything else is the computation failing.
  if (errno == EINVAL) return false;
  return Error(ErrorCode::kInternalServerError,
               "crypto_pwhash_str_verify failed: could not allocate the Argon2 memory");
}

bool argon2id_needs_rehash(std::string_view stored_hash, std::uint64_t opslimit,
                           std::size_t memlimit) {
  ensure_sodium();
  if (!stored_hash.starts_with(kArgon2idPrefix)) return true;
  const auto str = c_string(stored_hash);
  if (!str) return true;
  return crypto_pwhash_argon2id_str_needs_rehash(str->data(), opslimit, memlimit) != 0;
}

}  // namespace authkit::detail
