/// @file
/// Password hashing: Argon2id (libsodium), bcrypt (libxcrypt), behind a bounded concurrency gate.
///
/// An AuthService calls its hasher only after taking a slot of its own hashing queue
/// (PASSWORD_HASH_CONCURRENCY slots, callers waiting their turn within PASSWORD_HASH_QUEUE_MAX /
/// _MAX_PER_CLIENT / _TIMEOUT_MS, docs/configuration.md#password-hash-queue), keyed by the
/// request's client address, which this interface does not see. A hasher used on its own (outside
/// an AuthService) has only its gate, which refuses at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "authkit/export.hpp"
#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {

/// The algorithm new hashes are made with. Verification accepts both whatever the policy says,
/// so a user table made by the original service (bcrypt) can be adopted and migrated.
enum class PasswordAlgorithm {
  kArgon2id,
  kBcrypt,
};

/// libsodium's crypto_pwhash_OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE for Argon2id, repeated
/// here so this header does not need <sodium.h> (checked against libsodium where it is compiled).
inline constexpr std::uint64_t kArgon2OpslimitInteractive = 2;
/// libsodium's INTERACTIVE memory limit, 64 MiB (ARGON2_MEMLIMIT's default).
inline constexpr std::size_t kArgon2MemlimitInteractive = std::size_t{64} * 1024 * 1024;
/// The original service's BCRYPT_ROUNDS default and range.
inline constexpr int kBcryptRoundsDefault = 10;
inline constexpr int kBcryptRoundsMin = 8;   ///< Lowest BCRYPT_ROUNDS accepted.
inline constexpr int kBcryptRoundsMax = 15;  ///< Highest BCRYPT_ROUNDS accepted.
/// bcrypt reads only this many bytes of a password and silently ignores the rest.
inline constexpr std::size_t kBcryptMaxPasswordBytes = 72;

/// 2 x std::thread::hardware_concurrency(), at least 1: the default number of hashes that may
/// run at once (each Argon2id hash at the default cost holds 64 MiB while it runs), so the
/// memory of hashing stays under max_concurrency x the Argon2id memory limit.
AUTHKIT_API std::size_t default_password_hash_concurrency() noexcept;

/// How passwords are hashed. Out-of-range costs make hash() fail with INVALID_CONFIGURATION.
struct PasswordPolicy {
  /// The algorithm of new hashes (PASSWORD_HASH_ALGORITHM).
  PasswordAlgorithm algorithm = PasswordAlgorithm::kArgon2id;
  /// Argon2id passes (ARGON2_OPSLIMIT).
  std::uint64_t argon2_opslimit = kArgon2OpslimitInteractive;
  std::size_t argon2_memlimit = kArgon2MemlimitInteractive;  ///< bytes
  int bcrypt_rounds = kBcryptRoundsDefault;                  ///< 8..15
  /// Hashes and verifications allowed to run at once by this hasher's own gate; past it a call
  /// fails at once with SERVICE_UNAVAILABLE (the gate never waits). An AuthService queues its
  /// callers before they reach the hasher (Config::password_hash_concurrency slots, the same
  /// number by default), so through it a burst waits instead of failing and this gate is only a
  /// backstop. 0 is taken as 1.
  std::size_t max_concurrency = default_password_hash_concurrency();
};

/// Hashes and verifies passwords. Thread-safe: one hasher is shared by every request thread.
/// An interface so that callers (and tests) can wrap it, e.g. with a counting decorator.
class AUTHKIT_API PasswordHasher {
 public:
  virtual ~PasswordHasher();

  /// A new hash of `password` in the policy's algorithm and cost, as a self-describing string
  /// ("$argon2id$v=19$m=65536,t=2,p=1$..." or "$2b$10$..."). Fails with SERVICE_UNAVAILABLE when
  /// the concurrency gate is saturated (without waiting), and in bcrypt mode with INVALID_PAYLOAD
  /// (detail on "password") for a password over 72 bytes or one containing a NUL byte, which bcrypt
  /// would silently truncate.
  virtual Result<std::string> hash(std::string_view password) = 0;

  /// Whether `password` matches `stored_hash` (Argon2id/Argon2i, or bcrypt $2a$/$2b$/$2y$), in
  /// whichever algorithm it was made: false is a mismatch. As with the original's bcrypt, only
  /// the first 72 bytes of the password count against a bcrypt hash. An error only when the gate is
  /// saturated (SERVICE_UNAVAILABLE) or the stored hash is unusable (INTERNAL_SERVER_ERROR).
  virtual Result<bool> verify(std::string_view password, std::string_view stored_hash) = 0;

  /// True when `stored_hash` was not made with the policy's algorithm and cost (a bcrypt hash
  /// under an Argon2id policy, another bcrypt cost or variant, other Argon2 limits, or a hash
  /// that cannot be read): the caller re-hashes the password after a successful verify().
  virtual bool needs_rehash(std::string_view stored_hash) = 0;
};

/// A hasher applying `policy`, with its own concurrency gate of policy.max_concurrency permits.
AUTHKIT_API std::shared_ptr<PasswordHasher> make_password_hasher(PasswordPolicy policy);

}  // namespace v1
}  // namespace authkit
