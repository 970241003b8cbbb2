// Store throughput: refresh-token rotations/s and find-session/s on SQLite and PostgreSQL.
//
// SQLite runs on a file in $TMPDIR; PostgreSQL on AUTHKIT_BENCH_POSTGRES_URL (or, failing that,
// AUTHKIT_TEST_POSTGRES_URL, as scripts/with-services.sh exports it). See
// docs/benchmarks/storage.md.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "authkit/backends.hpp"
#include "authkit/crypto.hpp"
#include "authkit/store.hpp"
#include "store_requests.hpp"

namespace {

using authkit::Duration;
using authkit::TimePoint;
using authkit_test::new_token;
using authkit_test::rotate_request;

const TimePoint kT0{Duration{1'750'000'000'000}};
constexpr int kSessionsForLookup = 2000;

struct Fixture {
  std::unique_ptr<authkit::Store> store;
  authkit::UserId user = 0;
  std::vector<std::string> session_ids;  // for lookups
  std::string error;
};

std::string postgres_url() {
  for (const char* name : {"AUTHKIT_BENCH_POSTGRES_URL", "AUTHKIT_TEST_POSTGRES_URL"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return v;
  }
  return {};
}

// One store per backend for the whole run, opened and filled on first use.
Fixture& fixture(const std::string& backend) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Fixture>> fixtures;
  std::lock_guard lock(mutex);
  auto& slot = fixtures[backend];
  if (slot) return *slot;
  slot = std::make_unique<Fixture>();
  std::string url;
  if (backend == "sqlite") {
    const auto path = std::filesystem::temp_directory_path() /
                      ("authkit-bench-" + authkit::crypto::random_uuid_v4() + ".db");
    url = "sqlite://" + path.string();
  } else {
    url = postgres_url();
    if (url.empty()) {
      slot->error = "set AUTHKIT_BENCH_POSTGRES_URL (or run under scripts/with-services.sh)";
      return *slot;
    }
  }
  authkit::StoreOptions options;
  options.pool_size = 8;
  options.migrate_on_open = true;
  auto store = authkit::open_store(url, options);
  if (!store) {
    slot->error = store.error().diagnostic;
    return *slot;
  }
  slot->store = std::move(*store);
  const std::string email = "bench-" + authkit::crypto::random_uuid_v4() + "@bench.dev";
  auto user = slot->store->create_user({"Bench", email, "hash", kT0});
  if (!user) {
    slot->error = user.error().diagnostic;
    return *slot;
  }
  slot->user = user->id;
  for (int i = 0; i < kSessionsForLookup; ++i) {
    authkit::NewSession s;
    s.id = authkit::crypto::random_uuid_v4();
    s.user_id = slot->user;
    s.first_token = new_token(kT0);
    s.now = kT0;
    if (!slot->store->create_session(s)) {
      slot->error = "create_session failed";
      return *slot;
    }
    slot->session_ids.push_back(s.id);
  }
  return *slot;
}

// Each thread rotates its own chain: one rotation = one refresh of the REST contract.
void rotate(benchmark::State& state, const std::string& backend) {
  Fixture& f = fixture(backend);
  if (!f.store) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  authkit::NewSession s;
  s.id = authkit::crypto::random_uuid_v4();
  s.user_id = f.user;
  s.first_token = new_token(kT0);
  s.now = kT0;
  auto created = f.store->create_session(s);
  if (!created) {
    state.SkipWithError("create_session failed");
    return;
  }
  authkit::RefreshToken current = created->token;
  TimePoint now = kT0;
  for (auto _ : state) {
    now += Duration(1);
    auto result = f.store->rotate_refresh_token(
        rotate_request(created->session, current, now, {"bench/1.0", "127.0.0.1"}));
    if (!result || result->outcome != authkit::RotateOutcome::kRotated || !result->child) {
      state.SkipWithError("rotation failed");
      return;
    }
    current = *result->child;
  }
  state.SetItemsProcessed(state.iterations());
}

// The bearer check of every protected request: one session lookup by id.
void find_session(benchmark::State& state, const std::string& backend) {
  Fixture& f = fixture(backend);
  if (!f.store) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  std::mt19937 rng(static_cast<unsigned>(state.thread_index()) + 1u);
  for (auto _ : state) {
    const auto& id = f.session_ids[rng() % f.session_ids.size()];
    auto session = f.store->find_session(id);
    if (!session || !session->has_value()) {
      state.SkipWithError("find_session failed");
      return;
    }
    benchmark::DoNotOptimize(session);
  }
  state.SetItemsProcessed(state.iterations());
}

void register_all() {
  for (const std::string backend : {"sqlite", "postgresql"}) {
    for (int threads : {1, 8}) {
      benchmark::RegisterBenchmark(("rotate/" + backend).c_str(), rotate, backend)
          ->Threads(threads)
          ->UseRealTime()
          ->MinTime(2.0);
      benchmark::RegisterBenchmark(("find_session/" + backend).c_str(), find_session, backend)
          ->Threads(threads)
          ->UseRealTime()
          ->MinTime(2.0);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
