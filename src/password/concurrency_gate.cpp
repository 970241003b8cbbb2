// ConcurrencyGate: a lock-free compare-and-swap counter; permits give their slot back on exit.
#include "password/concurrency_gate.hpp"

#include <algorithm>
#include <utility>

namespace authkit::detail {

ConcurrencyGate::ConcurrencyGate(std::size_t capacity) noexcept
    : capacity_(std::max<std::size_t>(capacity, 1)) {}

ConcurrencyGate::Permit ConcurrencyGate::try_acquire() noexcept {
  std::size_t current = in_use_.load(std::memory_order_relaxed);
  // A CAS loop rather than fetch_add-then-undo, so in_use() never overshoots the capacity.
  while (current < capacity_) {
    if (in_use_.compare_exchange_weak(current, current + 1, std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
      return Permit(this);
    }
  }
  return Permit();
}

ConcurrencyGate::Permit::Permit(Permit&& other) noexcept
    : gate_(std::exchange(other.gate_, nullptr)) {}

ConcurrencyGate::Permit& ConcurrencyGate::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    release();
    gate_ = std::exchange(other.gate_, nullptr);
  }
  return *this;
}

ConcurrencyGate::Permit::~Permit() { release(); }

void ConcurrencyGate::Permit::release() noexcept {
  if (gate_ != nullptr) {
    gate_->in_use_.fetch_sub(1, std::memory_order_release);
    gate_ = nullptr;
  }
}

}  // namespace authkit::detail
