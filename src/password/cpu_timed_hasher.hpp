// CpuTimedHasher: a PasswordHasher that tells how much CPU each hash and verification took.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "authkit/password.hpp"

namespace authkit::detail {

// Wraps another hasher and reports, after each hash() and verify() (failed ones included), the
// CPU time the calling thread spent in it: the library's hashers (Argon2id, bcrypt) compute on
// the caller's thread, so the thread's CPU clock counts the work and nothing else (not the time the
// thread was preempted, as a wall-clock duration would on a loaded machine). The AuthService adds
// these up in auth_api_password_hash_cpu_seconds_total, which divided by the process's CPU time
// gives the share of the server's CPU spent hashing (docs/benchmarks/auth-benchmark.md).
class CpuTimedHasher : public PasswordHasher {
 public:
  // `operation` is "hash" or "verify". Called on the hashing thread; must be quick.
  using Observer = std::function<void(std::string_view operation, double cpu_seconds)>;

  CpuTimedHasher(std::shared_ptr<PasswordHasher> inner, Observer observer);

  Result<std::string> hash(std::string_view password) override;
  Result<bool> verify(std::string_view password, std::string_view stored_hash) override;
  bool needs_rehash(std::string_view stored_hash) override;

 private:
  std::shared_ptr<PasswordHasher> inner_;
  Observer observer_;
};

// The calling thread's CPU time so far, in seconds (CLOCK_THREAD_CPUTIME_ID).
double thread_cpu_seconds() noexcept;

}  // namespace authkit::detail
