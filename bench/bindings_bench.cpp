// Cost of one `authenticate` through the C++ API and through the C ABI (ak_token_authenticate),
// on the shared library, in one process. bench/bindings_bench.sh adds Python in the same run.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "authkit/auth_service.hpp"
#include "authkit/authkit.h"

namespace {

using namespace authkit;

// The same settings for both services: in-memory SQLite, the cheapest hash (only login hashes).
const char* const kSettings[][2] = {
    {"DATABASE_URL", "sqlite::memory:"},
    {"ACCESS_TOKEN_SECRET", "bench-access-secret-0123456789abcdef0123"},
    {"REFRESH_TOKEN_SECRET", "bench-refresh-secret-0123456789abcdef0123"},
    {"ARGON2_OPSLIMIT", "1"},
    {"ARGON2_MEMLIMIT", "8192"},
    {"LOG_LEVEL", "silent"},
};
constexpr const char* kPassword = "bench password";

[[noreturn]] void die(const std::string& what) {
  std::cerr << "bindings_bench: " << what << "\n";
  std::exit(1);
}

// The access token of a fresh user's login, taken out of the JSON body.
std::string access_token(const std::string& body) {
  const std::string key = "\"accessToken\":\"";
  const auto start = body.find(key) + key.size();
  return body.substr(start, body.find('"', start) - start);
}

void BM_AuthenticateCpp(benchmark::State& state) {
  auto config = Config::from_env([](std::string_view name) -> std::optional<std::string> {
    for (const auto& kv : kSettings) {
      if (name == kv[0]) return kv[1];
    }
    return std::nullopt;
  });
  if (!config) die(config.error().message);
  auto service = AuthService::open(*config);
  if (!service) die(service.error().message);
  const RequestContext ctx;
  if (!(*service)->register_user({"Bench", "bench@example.com", kPassword}, ctx)) die("register");
  auto login = (*service)->create_session({"bench@example.com", kPassword}, ctx);
  if (!login) die("login");
  for (auto _ : state) {
    auto principal = (*service)->authenticate_token(login->access_token, ctx);
    if (!principal) die("authenticate");
    benchmark::DoNotOptimize(principal);
  }
}
BENCHMARK(BM_AuthenticateCpp);

void BM_AuthenticateC(benchmark::State& state) {
  ak_config* cfg = nullptr;
  ak_service* svc = nullptr;
  if (ak_config_create(&cfg) != AK_OK) die("config");
  for (const auto& kv : kSettings) ak_config_set(cfg, kv[0], kv[1]);
  if (ak_service_create(cfg, &svc) != AK_OK) die(ak_service_errmsg(nullptr));
  ak_config_destroy(cfg);
  char* json = nullptr;
  const std::string pw = kPassword;
  if (ak_user_register(svc, nullptr, "Bench", "bench@example.com", pw.data(), pw.size(), &json))
    die("register");
  ak_free(json);
  if (ak_session_create(svc, nullptr, "bench@example.com", pw.data(), pw.size(), &json))
    die("login");
  const std::string token = access_token(json);
  ak_free(json);
  for (auto _ : state) {
    if (ak_token_authenticate(svc, nullptr, token.c_str(), &json) != AK_OK) die("authenticate");
    ak_free(json);
  }
  ak_service_destroy(svc);
}
BENCHMARK(BM_AuthenticateC);

}  // namespace

BENCHMARK_MAIN();
