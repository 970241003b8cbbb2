// JSON texts the server writes itself: the error envelope and ISO timestamps.
#pragma once

#include <authkit/clock.hpp>
#include <authkit/error.hpp>
#include <string>
#include <string_view>

namespace authkit::server {

// "2026-11-28T15:18:23.358Z": JavaScript's toISOString (UTC, three fractional digits).
std::string iso_timestamp(TimePoint t);

// {"error":{"code":..,"message":..,"details":[..]?,"correlationId":..}} (spec §1.5); the
// diagnostic is never included.
std::string error_envelope(const Error& error, std::string_view correlation_id);

// {"message":"<text>"}: the non-envelope 404 bodies of /metrics and /docs.
std::string message_body(std::string_view text);

}  // namespace authkit::server
