// ak_service's life (create from configuration, destroy), its error accessors, and the
// library-wide calls (version, status names, ak_free).
#include <authkit/config.hpp>
#include <authkit/version.hpp>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <string>

#include "guard.hpp"

using authkit::AuthService;
using authkit::Config;
using authkit::Result;
using authkit::capi::guard;
using authkit::capi::null_argument;

namespace {

std::atomic<std::uint64_t> next_serial{1};

// The configuration's value of `name`, else the environment's when the configuration asks so.
std::optional<std::string> lookup(const ak_config& cfg, std::string_view name) {
  if (auto it = cfg.values.find(name); it != cfg.values.end()) return it->second;
  if (!cfg.use_environment) return std::nullopt;
  const char* value = std::getenv(std::string(name).c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

}  // namespace

extern "C" const char* ak_version(void) noexcept { return AUTHKIT_VERSION_STRING; }

extern "C" int ak_abi_version(void) noexcept { return AUTHKIT_ABI_VERSION; }

extern "C" const char* ak_strerror(ak_status status) noexcept {
  switch (status) {
    case AK_OK:
      return "AK_OK";
    case AK_ERR_INVALID_ARGUMENT:
      return "AK_ERR_INVALID_ARGUMENT";
    case AK_ERR_AUTH:
      return "AK_ERR_AUTH";
    case AK_ERR_CONFLICT:
      return "AK_ERR_CONFLICT";
    case AK_ERR_RATE_LIMITED:
      return "AK_ERR_RATE_LIMITED";
    case AK_ERR_UNAVAILABLE:
      return "AK_ERR_UNAVAILABLE";
    case AK_ERR_INTERNAL:
      return "AK_ERR_INTERNAL";
  }
  return "AK_UNKNOWN";
}

extern "C" void ak_free(void* p) noexcept { std::free(p); }

extern "C" ak_status ak_service_create(const ak_config* cfg, ak_service** out) noexcept {
  return guard(nullptr, nullptr, [&]() -> Result<void> {
    if (!out) return null_argument("out");
    *out = nullptr;
    auto config =
        cfg ? Config::from_env([cfg](std::string_view name) { return lookup(*cfg, name); })
            : Config::from_env();
    if (!config) return config.error();
    auto service = AuthService::open(std::move(*config));
    if (!service) return service.error();
    auto handle = std::make_unique<ak_service>();
    handle->rep = std::move(*service);
    handle->serial = next_serial.fetch_add(1, std::memory_order_relaxed);
    *out = handle.release();
    return {};
  });
}

extern "C" void ak_service_destroy(ak_service* svc) noexcept { delete svc; }

extern "C" const char* ak_service_errmsg(const ak_service* svc) noexcept {
  return authkit::capi::recorded_message(svc);
}

extern "C" const char* ak_service_errcode(const ak_service* svc) noexcept {
  return authkit::capi::recorded_code(svc);
}

extern "C" const char* ak_service_errjson(const ak_service* svc) noexcept {
  return authkit::capi::recorded_json(svc);
}

extern "C" int ak_service_errstatus(const ak_service* svc) noexcept {
  return authkit::capi::recorded_status(svc);
}
