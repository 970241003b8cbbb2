// Hits per second of the memory and Redis rate limiters at 1 and 8 threads.
//
// The Redis cases use AUTHKIT_BENCH_REDIS_URL, else AUTHKIT_TEST_REDIS_URL (with-services.sh);
// bench/ratelimit_bench.sh runs them next to redis-benchmark against the same server.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "authkit/clock.hpp"
#include "authkit/rate_limiter.hpp"
#include "ratelimit/memory/memory_rate_limiter.hpp"
#if AUTHKIT_BENCH_WITH_REDIS
#include "ratelimit/redis/redis_rate_limiter.hpp"
#endif

namespace {

// 4096 client addresses per thread: a realistic spread over keys, most hits on existing keys.
std::vector<std::string> make_keys(int thread) {
  std::vector<std::string> keys;
  keys.reserve(4096);
  for (int i = 0; i < 4096; ++i) {
    keys.push_back("10." + std::to_string(thread) + "." + std::to_string(i / 256) + "." +
                   std::to_string(i % 256));
  }
  return keys;
}

void run_hits(benchmark::State& state, authkit::RateLimiter& limiter) {
  const auto keys = make_keys(state.thread_index());
  const authkit::RateLimit limit{100, authkit::Duration{60000}};
  std::size_t i = 0;
  std::int64_t errors = 0;
  for (auto _ : state) {
    auto decision = limiter.hit("bench", keys[i++ & 4095], limit);
    if (!decision) ++errors;
    benchmark::DoNotOptimize(decision);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["errors"] = static_cast<double>(errors);
  if (errors > 0) state.SkipWithError("the limiter returned errors");
}

void BM_MemoryHit(benchmark::State& state) {
  // One limiter shared by all threads of the run, as in a server.
  static authkit::MemoryRateLimiter limiter;
  run_hits(state, limiter);
}
BENCHMARK(BM_MemoryHit)->Threads(1)->Threads(8)->UseRealTime();

#if AUTHKIT_BENCH_WITH_REDIS
authkit::RedisRateLimiter* redis_limiter() {
  static std::unique_ptr<authkit::RedisRateLimiter> limiter = [] {
    const char* url = std::getenv("AUTHKIT_BENCH_REDIS_URL");
    if (url == nullptr) url = std::getenv("AUTHKIT_TEST_REDIS_URL");
    if (url == nullptr) return std::unique_ptr<authkit::RedisRateLimiter>();
    authkit::RedisRateLimiterOptions options;
    options.pool_size = 8;
    auto created = authkit::RedisRateLimiter::create(url, options);
    return created ? std::move(*created) : std::unique_ptr<authkit::RedisRateLimiter>();
  }();
  return limiter.get();
}

void BM_RedisHit(benchmark::State& state) {
  authkit::RedisRateLimiter* limiter = redis_limiter();
  if (limiter == nullptr) {
    state.SkipWithError("set AUTHKIT_BENCH_REDIS_URL (or run under scripts/with-services.sh)");
    return;
  }
  run_hits(state, *limiter);
}
BENCHMARK(BM_RedisHit)->Threads(1)->Threads(8)->UseRealTime();
#endif

}  // namespace

BENCHMARK_MAIN();
