// Login timing at the default Argon2id cost: unknown e-mail vs wrong password, measured
// (docs/compatibility.md#login-equal-hashing).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>

#include "authkit/auth_service.hpp"

namespace {

// One service for every case: SQLite in memory, the default password policy, no throttling.
authkit::AuthService& service() {
  static std::unique_ptr<authkit::AuthService> instance = [] {
    authkit::Config config;
    config.database_url = "sqlite::memory:";
    config.access_token_secret = "bench-access-secret-bench-access-secret";
    config.refresh_token_secret = "bench-refresh-secret-bench-refresh-secret";
    config.rate_limit_max_requests = 1'000'000'000;
    config.login_max_failures_per_account = 1'000'000'000;
    auto created = authkit::AuthService::open(config);
    if (!created) std::abort();
    if (!(*created)->register_user({"Bench", "known@bench.test", "strong-pass-123"}, {})) {
      std::abort();
    }
    return std::move(*created);
  }();
  return *instance;
}

void login(benchmark::State& state, const char* email, const char* password) {
  auto& svc = service();
  const authkit::RequestContext ctx{{"bench/1.0", "127.0.0.1"}, ""};
  for (auto _ : state) {
    auto result = svc.create_session({email, password}, ctx);
    benchmark::DoNotOptimize(result);
  }
}

void BM_LoginUnknownEmail(benchmark::State& state) {
  login(state, "nobody@bench.test", "wrong-pass-000");
}
void BM_LoginWrongPassword(benchmark::State& state) {
  login(state, "known@bench.test", "wrong-pass-000");
}
void BM_LoginSuccess(benchmark::State& state) {
  login(state, "known@bench.test", "strong-pass-123");
}

BENCHMARK(BM_LoginUnknownEmail)->Unit(benchmark::kMillisecond)->Iterations(40)->Repetitions(5);
BENCHMARK(BM_LoginWrongPassword)->Unit(benchmark::kMillisecond)->Iterations(40)->Repetitions(5);
BENCHMARK(BM_LoginSuccess)->Unit(benchmark::kMillisecond)->Iterations(40)->Repetitions(5);

}  // namespace

BENCHMARK_MAIN();
