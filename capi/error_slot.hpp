// The per-thread record of the last failure, tagged with the handle it happened on.
#pragma once

#include <authkit/error.hpp>

#include <string_view>

#include "authkit/authkit.h"

namespace authkit::capi {

// The coarse ak_status class of a contract error code.
ak_status status_of(ErrorCode code) noexcept;

// Records `error` as this thread's last failure on `svc` (NULL: ak_service_create) and returns
// its status. Out of memory while recording leaves a static INTERNAL_SERVER_ERROR record.
ak_status record_failure(const ak_service* svc, const Error& error,
                         std::string_view correlation_id) noexcept;

// Records an unexpected failure (an exception, out of memory) without allocating: the static
// INTERNAL_SERVER_ERROR record. Returns AK_ERR_INTERNAL.
ak_status record_unexpected(const ak_service* svc) noexcept;

// The record's fields for `svc`, or "" / 0 when this thread's record is of another handle.
const char* recorded_message(const ak_service* svc) noexcept;
const char* recorded_code(const ak_service* svc) noexcept;
const char* recorded_json(const ak_service* svc) noexcept;
int recorded_status(const ak_service* svc) noexcept;

}  // namespace authkit::capi
