// ak_config (environment-variable key/value pairs) and ak_request_context.
#include <new>
#include <string>

#include "guard.hpp"

using authkit::Result;
using authkit::capi::guard;
using authkit::capi::null_argument;

extern "C" ak_status ak_config_create(ak_config** out) noexcept {
  return guard(nullptr, nullptr, [&]() -> Result<void> {
    if (!out) return null_argument("out");
    *out = new ak_config();
    return {};
  });
}

extern "C" void ak_config_destroy(ak_config* cfg) noexcept { delete cfg; }

extern "C" ak_status ak_config_set(ak_config* cfg, const char* key, const char* value) noexcept {
  return guard(nullptr, nullptr, [&]() -> Result<void> {
    if (!cfg) return null_argument("cfg");
    if (!key) return null_argument("key");
    if (value) {
      cfg->values.insert_or_assign(std::string(key), std::string(value));
    } else if (auto it = cfg->values.find(std::string_view(key)); it != cfg->values.end()) {
      cfg->values.erase(it);
    }
    return {};
  });
}

extern "C" ak_status ak_config_use_environment(ak_config* cfg, int enabled) noexcept {
  return guard(nullptr, nullptr, [&]() -> Result<void> {
    if (!cfg) return null_argument("cfg");
    cfg->use_environment = enabled != 0;
    return {};
  });
}

extern "C" ak_status ak_request_context_create(const char* ip_address, const char* user_agent,
                                               const char* correlation_id,
                                               ak_request_context** out) noexcept {
  return guard(nullptr, nullptr, [&]() -> Result<void> {
    if (!out) return null_argument("out");
    auto ctx = std::make_unique<ak_request_context>();
    if (ip_address) ctx->rep.client.ip_address = ip_address;
    if (user_agent) ctx->rep.client.user_agent = user_agent;
    if (correlation_id) ctx->rep.correlation_id = correlation_id;
    *out = ctx.release();
    return {};
  });
}

extern "C" void ak_request_context_destroy(ak_request_context* ctx) noexcept { delete ctx; }
