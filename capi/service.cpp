// ak_service's life (create from configuration, destroy), its error accessors, and the
// library-wide calls (version, status names, ak_free).
#include <authkit/config.hpp>
#include <authkit/settings.hpp>
#include <authkit/version.hpp>

#include <algorithm>
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

// Whether `name` may be shown in a message: a setting's shape (letters, digits, '_'; at most 64).
// Anything else could be a value passed as a name by mistake, a secret perhaps.
bool printable_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::ranges::all_of(name, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// A misspelt name would otherwise be ignored and its default used (sqlite://authkit.db for a
// misspelt DATABASE_URL): every name set on the configuration must be a documented setting
// (docs/c-abi.md#settings-by-name). The environment's other variables are not checked.
Result<void> check_setting_names(const ak_config& cfg) {
  authkit::Error error(authkit::ErrorCode::kInvalidConfiguration);
  error.message.clear();
  for (const auto& [name, value] : cfg.values) {
    if (authkit::find_setting(name)) continue;
    std::string issue = "unknown setting";
    if (printable_name(name)) issue += " " + name;
    std::string hint;
    if (const auto close = authkit::closest_setting(name)) {
      hint = "; did you mean " + std::string(*close) + "?";
    }
    if (!error.message.empty()) error.message += "; ";
    error.message += issue + hint;
    error.details.push_back({printable_name(name) ? name : "(name not shown)", issue + hint});
  }
  if (error.details.empty()) return {};
  return error;
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
    if (cfg) {
      if (auto names = check_setting_names(*cfg); !names) return std::move(names).error();
    }
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
