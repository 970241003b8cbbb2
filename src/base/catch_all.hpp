// catch_all: the one place where an exception becomes an Error. What must not throw across the
// public API (AuthService's operations, the SQL store, the C ABI, the assembly step, a batch of
// coalesced reads) runs its body through it.
#pragma once

#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "authkit/error.hpp"
#include "authkit/result.hpp"

namespace authkit {
inline namespace v1 {

// INTERNAL_SERVER_ERROR with the diagnostic `prefix` + `what`. Should even that allocation fail,
// the bare code and status (no message, no diagnostic): this never throws, so neither does
// catch_all.
inline Error unexpected_error(std::string_view prefix, std::string_view what) noexcept {
  try {
    std::string diagnostic;
    diagnostic.reserve(prefix.size() + what.size());
    diagnostic.append(prefix).append(what);
    return Error(ErrorCode::kInternalServerError, std::move(diagnostic));
  } catch (...) {
    return Error();  // kInternalServerError, 500
  }
}

// catch_all's default reaction to an exception: none.
struct IgnoreException {
  void operator()(const std::exception&) const noexcept {}
};

// Runs `fn` (which returns a Result) and turns any exception it lets out into
// INTERNAL_SERVER_ERROR: std::bad_alloc as "<prefix>out of memory", another std::exception as
// "<prefix><what()>" after telling `on_exception` (e.g. to log it; an exception of its own is
// swallowed, the error being what matters), anything else as "<prefix>unknown exception".
//
// Usage:
//   return catch_all([&]() -> Result<User> { return read_user(id); }, "storage: ");
template <class Fn, class OnException = IgnoreException>
auto catch_all(Fn&& fn, std::string_view prefix = {},
               const OnException& on_exception = OnException{}) noexcept -> decltype(fn()) {
  try {
    return std::forward<Fn>(fn)();
  } catch (const std::bad_alloc&) {
    // Nothing that allocates (a log line) is attempted for this one.
    return unexpected_error(prefix, "out of memory");
  } catch (const std::exception& e) {
    try {
      on_exception(e);
    } catch (...) {
      // A lost report is acceptable; the error returned below is what matters.
    }
    return unexpected_error(prefix, e.what());
  } catch (...) {
    return unexpected_error(prefix, "unknown exception");
  }
}

}  // namespace v1
}  // namespace authkit
