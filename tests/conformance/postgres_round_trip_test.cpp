// PostgreSQL: every state change costs one round trip (docs/benchmarks/postgres-round-trips.md),
// counted by the driver (PgDriver::round_trips), so that a return to BEGIN ... COMMIT fails here.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "authkit/backends.hpp"
#include "backends.hpp"
#include "storage/postgres/pg_driver.hpp"
#include "store_helpers.hpp"

using namespace authkit_test;
using namespace std::chrono_literals;
using authkit::RevokeByTokenOutcome;
using authkit::RotateOutcome;

namespace {

// One pooled connection, so that the first use of each statement (its prepare) happens in the
// warm-up rounds and the counted round holds only the operations' own trips.
class CountedStore {
 public:
  explicit CountedStore(Postgres& backend)
      : store_(backend.open({.pool_size = 1, .read_coalescing = false})),
        driver_(dynamic_cast<authkit::storage::PgDriver&>(
            dynamic_cast<authkit::storage::SqlStore&>(*store_).driver())) {}

  authkit::Store& operator*() { return *store_; }
  authkit::Store* operator->() { return store_.get(); }

  // The round trips `operation` made.
  std::uint64_t trips(const std::function<void()>& operation) {
    const std::uint64_t before = driver_.round_trips();
    operation();
    return driver_.round_trips() - before;
  }

 private:
  std::unique_ptr<authkit::Store> store_;
  authkit::storage::PgDriver& driver_;
};

struct Trips {
  std::uint64_t create_user = 0, create_session = 0, rotate = 0, grace_reuse = 0, replay = 0,
                compromise = 0, logout = 0, revoke_one = 0, revoke_all = 0;
};

// Every state-changing operation once, each in a branch of its own, on fresh rows.
Trips run_round(CountedStore& store, int round) {
  const std::string tag = std::to_string(round);
  Trips t;
  authkit::User user;
  t.create_user = store.trips([&] { user = make_user(*store, "trips" + tag + "@test.dev"); });

  authkit::CreatedSession created;
  t.create_session = store.trips([&] { created = make_session(*store, user.id); });

  auto request = rotate_request(created.session, created.token, kT0 + 1s);
  request.reuse_grace = 10s;
  authkit::RotateResult rotated;
  t.rotate = store.trips([&] { rotated = AK_OK(store->rotate_refresh_token(request)); });
  REQUIRE(rotated.outcome == RotateOutcome::kRotated);
  CHECK(rotated.user.has_value());

  auto again = request;
  again.child = new_token(kT0 + 2s);
  again.now = kT0 + 2s;
  t.grace_reuse = store.trips([&] {
    CHECK(AK_OK(store->rotate_refresh_token(again)).outcome == RotateOutcome::kGraceReuse);
  });

  auto replay = again;
  replay.reuse_grace = 0s;
  // The replay and its compromise: the whole replay branch of a refresh.
  t.replay = store.trips([&] {
    auto replayed = AK_OK(store->rotate_refresh_token(replay));
    CHECK(replayed.outcome == RotateOutcome::kTokenNotActive);
    CHECK((replayed.compromised && replayed.compromised->session_compromised));
  });
  auto other = make_session(*store, user.id, kT0 + 3s);
  t.compromise = store.trips([&] {
    CHECK(AK_OK(store->compromise_session(other.session.id, other.token.id, kT0 + 3s))
              .session_compromised);
  });

  auto second = make_session(*store, user.id, kT0 + 4s);
  authkit::RevokeByTokenRequest logout{second.session.id, second.token.jti, second.token.token_hash,
                                       kT0 + 5s};
  t.logout = store.trips([&] {
    CHECK(AK_OK(store->revoke_session_by_token(logout)).outcome == RevokeByTokenOutcome::kRevoked);
  });

  auto third = make_session(*store, user.id, kT0 + 6s);
  t.revoke_one = store.trips(
      [&] { CHECK(AK_OK(store->revoke_session(user.id, third.session.id, kT0 + 7s))); });

  make_session(*store, user.id, kT0 + 8s);
  make_session(*store, user.id, kT0 + 8s);
  t.revoke_all =
      store.trips([&] { CHECK(AK_OK(store->revoke_all_sessions(user.id, kT0 + 9s)) == 2); });
  return t;
}

}  // namespace

TEST_CASE("postgres: every state change is one round trip", "[store][postgres]") {
  Postgres backend;
  CountedStore store(backend);
  run_round(store, 0);  // prepares each statement on the one connection
  const Trips t = run_round(store, 1);
  CHECK(t.create_user == 1);
  CHECK(t.create_session == 1);
  CHECK(t.rotate == 1);
  CHECK(t.grace_reuse == 1);
  CHECK(t.replay == 1);
  CHECK(t.compromise == 1);
  CHECK(t.logout == 1);
  CHECK(t.revoke_one == 1);
  CHECK(t.revoke_all == 1);
}

TEST_CASE("postgres: the round-trip counter counts a transaction's every statement",
          "[store][postgres]") {
  // The counter itself can fail the test above: a purge is still BEGIN, two DELETEs, COMMIT.
  Postgres backend;
  CountedStore store(backend);
  (void)AK_OK(store->purge(kT0, 0s));
  CHECK(store.trips([&] { (void)AK_OK(store->purge(kT0, 0s)); }) == 4);
}
