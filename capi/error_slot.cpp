// One thread-local slot per thread: a shared ak_service stays thread-safe, as sqlite3_errmsg.
#include "error_slot.hpp"

#include <authkit/json.hpp>

#include <cstdint>
#include <string>

#include "handles.hpp"

namespace authkit::capi {
namespace {

constexpr const char* kOomCode = "INTERNAL_SERVER_ERROR";
constexpr const char* kOomMessage = "internal server error";
constexpr const char* kOomJson =
    R"({"error":{"code":"INTERNAL_SERVER_ERROR","message":"internal server error"}})";

struct Slot {
  bool set = false;
  bool out_of_memory = false;  // recording itself failed: the static texts above apply
  const ak_service* owner = nullptr;
  std::uint64_t serial = 0;
  std::string message;
  std::string code;
  std::string json;
  int status = 0;
};

thread_local Slot slot;

std::uint64_t serial_of(const ak_service* svc) noexcept { return svc ? svc->serial : 0; }

const Slot* slot_for(const ak_service* svc) noexcept {
  if (!slot.set || slot.owner != svc || slot.serial != serial_of(svc)) return nullptr;
  return &slot;
}

}  // namespace

ak_status status_of(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kInvalidPayload:
    case ErrorCode::kPayloadTooLarge:
    case ErrorCode::kUnsupportedMediaType:
    case ErrorCode::kInvalidConfiguration:
    case ErrorCode::kRequestTimeout:
    case ErrorCode::kRequestHeaderFieldsTooLarge:
      return AK_ERR_INVALID_ARGUMENT;
    case ErrorCode::kUserAlreadyExists:
      return AK_ERR_CONFLICT;
    case ErrorCode::kTooManyRequests:
      return AK_ERR_RATE_LIMITED;
    case ErrorCode::kServiceUnavailable:
      return AK_ERR_UNAVAILABLE;
    case ErrorCode::kInternalServerError:
      return AK_ERR_INTERNAL;
    default:
      return AK_ERR_AUTH;
  }
}

ak_status record_failure(const ak_service* svc, const Error& error,
                         std::string_view correlation_id) noexcept {
  slot.set = true;
  slot.owner = svc;
  slot.serial = serial_of(svc);
  slot.status = error.status;
  try {
    slot.message = error.message;
    slot.code = std::string(to_string(error.code));
    slot.json = json::error_envelope(error, correlation_id);
    slot.out_of_memory = false;
  } catch (...) {
    return record_unexpected(svc);
  }
  return status_of(error.code);
}

ak_status record_unexpected(const ak_service* svc) noexcept {
  slot.set = true;
  slot.owner = svc;
  slot.serial = serial_of(svc);
  slot.out_of_memory = true;
  slot.status = 500;
  return AK_ERR_INTERNAL;
}

const char* recorded_message(const ak_service* svc) noexcept {
  const Slot* s = slot_for(svc);
  if (!s) return "";
  return s->out_of_memory ? kOomMessage : s->message.c_str();
}

const char* recorded_code(const ak_service* svc) noexcept {
  const Slot* s = slot_for(svc);
  if (!s) return "";
  return s->out_of_memory ? kOomCode : s->code.c_str();
}

const char* recorded_json(const ak_service* svc) noexcept {
  const Slot* s = slot_for(svc);
  if (!s) return "";
  return s->out_of_memory ? kOomJson : s->json.c_str();
}

int recorded_status(const ak_service* svc) noexcept {
  const Slot* s = slot_for(svc);
  return s ? s->status : 0;
}

}  // namespace authkit::capi
