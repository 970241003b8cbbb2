// ConcurrencyGate: a non-blocking counting limit on work running at once, with RAII permits.
#pragma once

#include <atomic>
#include <cstddef>

namespace authkit::detail {

// At most capacity() permits are out at any time. try_acquire() never waits: past the limit it
// hands back an empty permit at once, so a flood of requests is refused instead of queued.
// Thread-safe. The gate must outlive every permit it issued.
class ConcurrencyGate {
 public:
  // Releases its slot when destroyed. Move-only; an empty permit holds nothing.
  class Permit {
   public:
    Permit() noexcept = default;
    Permit(Permit&& other) noexcept;
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit();

    explicit operator bool() const noexcept { return gate_ != nullptr; }
    // Gives the slot back now (no-op on an empty permit).
    void release() noexcept;

   private:
    friend class ConcurrencyGate;
    explicit Permit(ConcurrencyGate* gate) noexcept : gate_(gate) {}
    ConcurrencyGate* gate_ = nullptr;
  };

  // A capacity of 0 is taken as 1: a gate that admits nothing would make every call fail.
  explicit ConcurrencyGate(std::size_t capacity) noexcept;
  ConcurrencyGate(const ConcurrencyGate&) = delete;
  ConcurrencyGate& operator=(const ConcurrencyGate&) = delete;

  // A held permit, or an empty one when capacity() permits are already out.
  [[nodiscard]] Permit try_acquire() noexcept;

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t in_use() const noexcept { return in_use_.load(std::memory_order_relaxed); }

 private:
  const std::size_t capacity_;
  std::atomic<std::size_t> in_use_{0};
};

}  // namespace authkit::detail
