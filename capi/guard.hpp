// The one guard every C entry point runs behind: Result errors become statuses, and no
// exception (std::bad_alloc included) crosses into C.
#pragma once

#include <authkit/result.hpp>

#include <string_view>
#include <utility>

#include "base/catch_all.hpp"
#include "error_slot.hpp"
#include "handles.hpp"

namespace authkit::capi {

// INVALID_PAYLOAD naming the argument that was NULL.
Error null_argument(const char* name);

// The C++ context of an optional C one.
const RequestContext& context_of(const ak_request_context* ctx) noexcept;

// `text` in a buffer of malloc, released by ak_free. Throws std::bad_alloc.
char* to_c_string(std::string_view text);

// Runs `body` (returning Result<void>) and turns what happens into an ak_status, recording a
// failure for ak_service_errmsg(svc). An exception is INTERNAL_SERVER_ERROR (catch_all); should
// even recording it fail, the slot's static out-of-memory texts apply (record_failure).
template <class Body>
ak_status guard(const ak_service* svc, const ak_request_context* ctx, Body&& body) noexcept {
  const Result<void> result = catch_all(std::forward<Body>(body));
  if (result) return AK_OK;
  return record_failure(svc, result.error(), context_of(ctx).correlation_id);
}

}  // namespace authkit::capi
