#include "password/cpu_timed_hasher.hpp"

#include <ctime>
#include <utility>

namespace authkit::detail {

double thread_cpu_seconds() noexcept {
  timespec now{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0) return 0.0;
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

CpuTimedHasher::CpuTimedHasher(std::shared_ptr<PasswordHasher> inner, Observer observer)
    : inner_(std::move(inner)), observer_(std::move(observer)) {}

Result<std::string> CpuTimedHasher::hash(std::string_view password) {
  const double start = thread_cpu_seconds();
  auto result = inner_->hash(password);
  observer_("hash", thread_cpu_seconds() - start);
  return result;
}

Result<bool> CpuTimedHasher::verify(std::string_view password, std::string_view stored_hash) {
  const double start = thread_cpu_seconds();
  auto result = inner_->verify(password, stored_hash);
  observer_("verify", thread_cpu_seconds() - start);
  return result;
}

bool CpuTimedHasher::needs_rehash(std::string_view stored_hash) {
  return inner_->needs_rehash(stored_hash);
}

}  // namespace authkit::detail
