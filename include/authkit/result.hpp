/// @file
/// Result<T, E>: a value or an error, returned instead of throwing across the public API.
#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "authkit/error.hpp"

namespace authkit {
inline namespace v1 {

/// Usage:
///   Result<User> user = store.find_user_by_email(email);
///   if (!user) return user.error();
///   use(*user);
/// Reading the value of a failed Result (or the error of a successful one) is a programming
/// error: it asserts in debug builds.
template <class T, class E = Error>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, E>, "value and error types must differ");

 public:
  using value_type = T;  ///< The type of the value.
  using error_type = E;  ///< The type of the error.

  /// A successful result holding a copy of `value`.
  Result(const T& value) : state_(std::in_place_index<0>, value) {}  // NOLINT: implicit by design
  /// A successful result holding `value`.
  Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  /// A failed result holding a copy of `error`.
  Result(const E& error) : state_(std::in_place_index<1>, error) {}  // NOLINT
  /// A failed result holding `error`.
  Result(E&& error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return state_.index() == 0; }  ///< True when the result holds a value.
  explicit operator bool() const noexcept { return ok(); }  ///< ok().

  T& value() & { return checked_value(); }             ///< The value; the result must be ok().
  const T& value() const& { return checked_value(); }  ///< The value; the result must be ok().
  /// The value, moved out; the result must be ok().
  T&& value() && { return std::move(checked_value()); }
  T& operator*() & { return checked_value(); }             ///< The value; the result must be ok().
  const T& operator*() const& { return checked_value(); }  ///< The value; the result must be ok().
  /// The value, moved out; the result must be ok().
  T&& operator*() && { return std::move(checked_value()); }
  /// Member access to the value; the result must be ok().
  T* operator->() { return &checked_value(); }
  /// Member access to the value; the result must be ok().
  const T* operator->() const { return &checked_value(); }

  /// The error; the result must have failed.
  const E& error() const& {
    assert(!ok());
    return *std::get_if<1>(&state_);
  }
  /// The error, moved out; the result must have failed.
  E&& error() && {
    assert(!ok());
    return std::move(*std::get_if<1>(&state_));
  }

 private:
  T& checked_value() {
    assert(ok());
    return *std::get_if<0>(&state_);
  }
  const T& checked_value() const {
    assert(ok());
    return *std::get_if<0>(&state_);
  }

  std::variant<T, E> state_;
};

/// Result of an operation that returns nothing but may fail.
template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  using value_type = void;  ///< No value.
  using error_type = E;     ///< The type of the error.

  Result() = default;
  /// A failed result holding a copy of `error`.
  Result(const E& error) : error_(error) {}  // NOLINT: implicit by design
  /// A failed result holding `error`.
  Result(E&& error) : error_(std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return !error_.has_value(); }  ///< True when the operation succeeded.
  explicit operator bool() const noexcept { return ok(); }  ///< ok().

  /// The error; the result must have failed.
  const E& error() const& {
    assert(!ok());
    return *error_;
  }
  /// The error, moved out; the result must have failed.
  E&& error() && {
    assert(!ok());
    return std::move(*error_);
  }

 private:
  std::optional<E> error_;
};

}  // namespace v1
}  // namespace authkit

/// Returns the error of `expr` (a Result) from the enclosing function when it failed.
#define AUTHKIT_RETURN_IF_ERROR(expr)                                \
  do {                                                               \
    auto authkit_result_ = (expr);                                   \
    if (!authkit_result_) return std::move(authkit_result_).error(); \
  } while (false)
