// Helpers of the guard: NULL arguments, the empty context, C strings.
#include "guard.hpp"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

namespace authkit::capi {

Error null_argument(const char* name) {
  Error error(ErrorCode::kInvalidPayload, std::string(name) + " is NULL");
  error.details.push_back({name, std::string(name) + " must not be NULL"});
  return error;
}

const RequestContext& context_of(const ak_request_context* ctx) noexcept {
  static const RequestContext kNone;
  return ctx ? ctx->rep : kNone;
}

char* to_c_string(std::string_view text) {
  auto* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (!out) throw std::bad_alloc();
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

}  // namespace authkit::capi
