// The library's PasswordHasher: policy checks, the concurrency gate, and algorithm dispatch.
#include "password/password_hasher.hpp"

#include <sodium.h>

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "password/argon2id.hpp"
#include "password/bcrypt.hpp"

namespace authkit {
inline namespace v1 {

PasswordHasher::~PasswordHasher() = default;

std::size_t default_password_hash_concurrency() noexcept {
  // hardware_concurrency() may answer 0 when it cannot tell.
  return std::max<std::size_t>(std::size_t{2} * std::thread::hardware_concurrency(), 1);
}

std::shared_ptr<PasswordHasher> make_password_hasher(PasswordPolicy policy) {
  auto gate = std::make_shared<detail::ConcurrencyGate>(policy.max_concurrency);
  return detail::make_password_hasher(policy, std::move(gate));
}

}  // namespace v1
}  // namespace authkit

namespace authkit::detail {
namespace {

// Why `policy` cannot make hashes, or nullopt. Only the active algorithm's cost is checked.
std::optional<Error> policy_problem(const PasswordPolicy& policy) {
  if (policy.algorithm == PasswordAlgorithm::kBcrypt) {
    if (policy.bcrypt_rounds < kBcryptRoundsMin || policy.bcrypt_rounds > kBcryptRoundsMax) {
      return Error(ErrorCode::kInvalidConfiguration,
                   "password policy: bcrypt_rounds must be from 8 to 15");
    }
    return std::nullopt;
  }
  if (policy.argon2_opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      policy.argon2_opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX) {
    return Error(ErrorCode::kInvalidConfiguration,
                 "password policy: argon2_opslimit is outside libsodium's range");
  }
  if (policy.argon2_memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      policy.argon2_memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    return Error(ErrorCode::kInvalidConfiguration,
                 "password policy: argon2_memlimit is outside libsodium's range");
  }
  return std::nullopt;
}

Error saturated() { return Error(ErrorCode::kServiceUnavailable, "password hashing is saturated"); }

Error bcrypt_password_refused(std::string detail) {
  Error error(ErrorCode::kInvalidPayload);
  error.details.push_back(ErrorDetail{"password", std::move(detail)});
  return error;
}

// Thread-safe: the policy is immutable and the gate is atomic.
class GatedPasswordHasher final : public PasswordHasher {
 public:
  GatedPasswordHasher(PasswordPolicy policy, std::shared_ptr<ConcurrencyGate> gate)
      : policy_(policy), policy_problem_(policy_problem(policy)), gate_(std::move(gate)) {}

  Result<std::string> hash(std::string_view password) override {
    if (policy_problem_) return *policy_problem_;
    if (policy_.algorithm == PasswordAlgorithm::kBcrypt) {
      // bcrypt would silently hash only a prefix of these
      // (docs/compatibility.md#password-max-length): refuse rather than weaken.
      if (password.size() > kBcryptMaxPasswordBytes) {
        return bcrypt_password_refused("password must have at most 72 bytes");
      }
      if (password.find('\0') != std::string_view::npos) {
        return bcrypt_password_refused("password must not contain NUL bytes");
      }
    }
    const auto permit = gate_->try_acquire();
    if (!permit) return saturated();
    if (policy_.algorithm == PasswordAlgorithm::kBcrypt) {
      return bcrypt_hash(password, policy_.bcrypt_rounds);
    }
    return argon2id_hash(password, policy_.argon2_opslimit, policy_.argon2_memlimit);
  }

  Result<bool> verify(std::string_view password, std::string_view stored_hash) override {
    const auto permit = gate_->try_acquire();
    if (!permit) return saturated();
    if (is_argon2_hash(stored_hash)) return argon2_verify(password, stored_hash);
    if (stored_hash.starts_with("$2")) return bcrypt_verify(password, stored_hash);
    return Error(ErrorCode::kInternalServerError,
                 "stored password hash is of no supported algorithm (Argon2 or bcrypt)");
  }

  bool needs_rehash(std::string_view stored_hash) override {
    if (policy_.algorithm == PasswordAlgorithm::kBcrypt) {
      const auto info = parse_bcrypt_hash(stored_hash);
      // Only $2b$ is made here; $2a$/$2y$ hashes are moved to it like any other change.
      return !info || info->variant != 'b' || info->cost != policy_.bcrypt_rounds;
    }
    return argon2id_needs_rehash(stored_hash, policy_.argon2_opslimit, policy_.argon2_memlimit);
  }

 private:
  const PasswordPolicy policy_;
  const std::optional<Error> policy_problem_;
  const std::shared_ptr<ConcurrencyGate> gate_;
};

}  // namespace

std::shared_ptr<PasswordHasher> make_password_hasher(PasswordPolicy policy,
                                                     std::shared_ptr<ConcurrencyGate> gate) {
  return std::make_shared<GatedPasswordHasher>(policy, std::move(gate));
}

}  // namespace authkit::detail
