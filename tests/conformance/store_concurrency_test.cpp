// Conformance under concurrency: one winner per parent, one user per email, invariants after
// storms.
#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "backends.hpp"
#include "store_helpers.hpp"

using namespace authkit_test;
using authkit::ErrorCode;
using authkit::RefreshTokenStatus;
using authkit::RotateOutcome;
using authkit::SessionStatus;

namespace {

constexpr int kThreads = 16;

// Runs body(i) on n threads released together, so that they really race.
template <class F>
void race(int n, F body) {
  std::latch start(n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      body(i);
    });
  }
  for (auto& t : threads) t.join();
}

// The invariants every sequence of store operations must leave behind, for every session of
// `users`: no ACTIVE token on a session that is not ACTIVE, exactly one ACTIVE token on an
// ACTIVE session (nothing expires here), and every USED token has its child.
void check_invariants(authkit::Store& store, const std::vector<authkit::UserId>& users) {
  std::size_t sessions_seen = 0;
  for (auto user : users) {
    for (const auto& session : AK_OK(store.list_sessions(user))) {
      ++sessions_seen;
      CAPTURE(session.id, authkit::to_string(session.status));
      auto tokens = AK_OK(store.list_refresh_tokens(session.id));
      std::map<std::string, const authkit::RefreshToken*> by_id;
      int active = 0;
      for (const auto& t : tokens) {
        by_id[t.id] = &t;
        if (t.status == RefreshTokenStatus::kActive) ++active;
      }
      if (session.status == SessionStatus::kActive) {
        CHECK(active == 1);
      } else {
        CHECK(active == 0);
      }
      for (const auto& t : tokens) {
        if (t.status != RefreshTokenStatus::kUsed) continue;
        CAPTURE(t.id);
        REQUIRE(t.replaced_by_token_id.has_value());
        auto child = by_id.find(*t.replaced_by_token_id);
        REQUIRE(child != by_id.end());
        CHECK(child->second->parent_token_id == t.id);
      }
      // The chain never forks: no token has two children.
      std::map<std::string, int> children;
      for (const auto& t : tokens) {
        if (t.parent_token_id) CHECK(++children[*t.parent_token_id] == 1);
      }
    }
  }
  CHECK(sessions_seen > 0);
}

}  // namespace

STORE_TEST("store: 16 threads rotating one parent make exactly one child") {
  TestType backend;
  auto store = backend.open();
  auto [user, created] = make_user_session(*store, "race@test.dev");
  std::vector<authkit::RotateRequest> requests;
  for (int i = 0; i < kThreads; ++i) {
    requests.push_back(rotate_request(created.session, created.token, kT0 + 1s));
  }
  std::vector<authkit::Result<authkit::RotateResult>> results(
      kThreads, authkit::Error(ErrorCode::kInternalServerError));
  race(kThreads, [&](int i) {
    results[static_cast<std::size_t>(i)] =
        store->rotate_refresh_token(requests[static_cast<std::size_t>(i)]);
  });
  int rotated = 0;
  int replays = 0;
  int compromised = 0;
  for (const auto& r : results) {
    REQUIRE(r.ok());
    if (r->outcome == RotateOutcome::kRotated) ++rotated;
    if (r->outcome == RotateOutcome::kTokenNotActive) {
      ++replays;
      REQUIRE(r->compromised.has_value());
      CHECK(r->compromised->session_compromised);
    }
    if (r->outcome == RotateOutcome::kSessionCompromised) ++compromised;
  }
  // Serialised on the session's lock: one rotates, the next is the replay that compromises the
  // session, and every later one finds it compromised.
  CHECK(rotated == 1);
  CHECK(replays == 1);
  CHECK(compromised == kThreads - 2);
  auto tokens = AK_OK(store->list_refresh_tokens(created.session.id));
  CHECK(tokens.size() == 2);
  for (const auto& t : tokens) CHECK(t.status != RefreshTokenStatus::kActive);
  check_invariants(*store, {user.id});
}

STORE_TEST("store: concurrent presentations within the reuse grace all get the one child") {
  TestType backend;
  auto store = backend.open();
  auto [user, created] = make_user_session(*store, "tabs@test.dev");
  std::vector<authkit::RotateRequest> requests;
  for (int i = 0; i < 8; ++i) {
    requests.push_back(rotate_request(created.session, created.token, kT0 + 1s));
    requests.back().reuse_grace = 10s;
  }
  std::vector<authkit::Result<authkit::RotateResult>> results(
      8, authkit::Error(ErrorCode::kInternalServerError));
  race(8, [&](int i) {
    results[static_cast<std::size_t>(i)] =
        store->rotate_refresh_token(requests[static_cast<std::size_t>(i)]);
  });
  int rotated = 0;
  std::set<std::string> children;
  for (const auto& r : results) {
    REQUIRE(r.ok());
    REQUIRE((r->outcome == RotateOutcome::kRotated || r->outcome == RotateOutcome::kGraceReuse));
    if (r->outcome == RotateOutcome::kRotated) ++rotated;
    REQUIRE(r->child.has_value());
    children.insert(r->child->jti);
  }
  CHECK(rotated == 1);
  CHECK(children.size() == 1);
  CHECK(AK_OK(store->list_refresh_tokens(created.session.id)).size() == 2);
}

// docs/compatibility.md#concurrent-registration
STORE_TEST("store: concurrent registrations of one email make exactly one user") {
  TestType backend;
  auto store = backend.open();
  std::atomic<int> created{0};
  std::atomic<int> duplicates{0};
  std::atomic<int> other_errors{0};
  race(kThreads, [&](int i) {
    auto r = store->create_user({"Racer " + std::to_string(i), "same@test.dev", "h", kT0});
    if (r.ok()) {
      ++created;
    } else if (r.error().code == ErrorCode::kUserAlreadyExists) {
      ++duplicates;
    } else {
      ++other_errors;
    }
  });
  CHECK(created == 1);
  CHECK(duplicates == kThreads - 1);
  CHECK(other_errors == 0);
}

STORE_TEST("store: after a storm of rotate, compromise, revoke-all and login the invariants hold") {
  TestType backend;
  auto store = backend.open();
  constexpr int kUsers = 3;
  constexpr int kWorkers = 8;
  constexpr int kOpsPerWorker = 60;
  std::vector<authkit::UserId> users;
  std::vector<std::string> session_ids;
  std::mutex sessions_mutex;
  for (int u = 0; u < kUsers; ++u) {
    users.push_back(make_user(*store, "storm" + std::to_string(u) + "@test.dev").id);
    for (int s = 0; s < 3; ++s)
      session_ids.push_back(make_session(*store, users.back()).session.id);
  }
  std::atomic<int> errors{0};
  std::atomic<long> clock_ms{0};
  race(kWorkers, [&](int worker) {
    std::mt19937 rng(static_cast<unsigned>(worker) * 7919u + 17u);
    for (int op = 0; op < kOpsPerWorker; ++op) {
      const auto now = kT0 + Duration(++clock_ms);
      std::string sid;
      {
        std::lock_guard lock(sessions_mutex);
        sid = session_ids[rng() % session_ids.size()];
      }
      auto session = store->find_session(sid);
      if (!session.ok() || !session->has_value()) {
        ++errors;
        continue;
      }
      const auto kind = rng() % 10;
      if (kind < 5) {  // refresh with the current token, or replay an old one
        auto tokens = store->list_refresh_tokens(sid);
        if (!tokens.ok() || tokens->empty()) {
          ++errors;
          continue;
        }
        const auto& presented =
            (rng() % 4 == 0) ? tokens->front() : tokens->back();  // front: often a replay
        auto r = store->rotate_refresh_token(rotate_request(**session, presented, now));
        if (!r.ok()) {
          ++errors;
          continue;
        }
        // A replay is compromised by the rotation itself.
        if ((r->outcome == RotateOutcome::kTokenNotActive ||
             r->outcome == RotateOutcome::kHashMismatch) &&
            !r->compromised) {
          ++errors;
        }
      } else if (kind < 7) {
        auto created_session = [&]() -> bool {
          authkit::NewSession s;
          s.id = authkit::crypto::random_uuid_v4();
          s.user_id = (*session)->user_id;
          s.first_token = new_token(now);
          s.now = now;
          auto c = store->create_session(s);
          if (!c.ok()) return false;
          std::lock_guard lock(sessions_mutex);
          session_ids.push_back(c->session.id);
          return true;
        }();
        if (!created_session) ++errors;
      } else if (kind < 8) {
        if (!store->revoke_all_sessions((*session)->user_id, now).ok()) ++errors;
      } else if (kind < 9) {
        if (!store->revoke_session((*session)->user_id, sid, now).ok()) ++errors;
      } else {
        auto tokens = store->list_refresh_tokens(sid);
        if (!tokens.ok()) {
          ++errors;
          continue;
        }
        const auto& t = tokens->back();
        if (!store->revoke_session_by_token({sid, t.jti, t.token_hash, now}).ok()) ++errors;
      }
    }
  });
  CHECK(errors == 0);
  check_invariants(*store, users);
}

STORE_TEST("store: rotations racing from several stores (processes) on one database") {
  TestType backend;
  auto store = backend.open();
  // Where the backend allows it, four stores share the database as four processes would, so
  // that nothing relies on in-process locking.
  constexpr int kStores = 4;
  std::vector<std::unique_ptr<authkit::Store>> stores;
  for (int i = 0; i < kStores; ++i)
    stores.push_back(TestType::kShareable ? backend.open({}, false) : nullptr);
  auto user = make_user(*store, "procs@test.dev");
  for (int round = 0; round < 5; ++round) {
    auto created = make_session(*store, user.id);
    std::vector<authkit::RotateRequest> requests;
    for (int i = 0; i < kThreads; ++i) {
      requests.push_back(rotate_request(created.session, created.token, kT0 + 1s));
    }
    std::atomic<int> rotated{0};
    std::atomic<int> failures{0};
    race(kThreads, [&](int i) {
      auto& s = stores[static_cast<std::size_t>(i % kStores)];
      auto r = (s ? *s : *store).rotate_refresh_token(requests[static_cast<std::size_t>(i)]);
      if (!r.ok()) {
        ++failures;
      } else if (r->outcome == RotateOutcome::kRotated) {
        ++rotated;
      }
    });
    CHECK(failures == 0);
    CHECK(rotated == 1);
    CHECK(AK_OK(store->list_refresh_tokens(created.session.id)).size() == 2);
  }
  check_invariants(*store, {user.id});
}

// docs/compatibility.md#atomic-refresh
STORE_TEST("store: a rotation racing a revocation never leaves an ACTIVE token behind") {
  TestType backend;
  auto store = backend.open();
  auto user = make_user(*store, "w10@test.dev");
  for (int round = 0; round < 20; ++round) {
    auto created = make_session(*store, user.id);
    auto request = rotate_request(created.session, created.token, kT0 + 1s);
    authkit::Result<authkit::RotateResult> rotated =
        authkit::Error(ErrorCode::kInternalServerError);
    authkit::Result<bool> revoked = authkit::Error(ErrorCode::kInternalServerError);
    race(2, [&](int i) {
      if (i == 0) {
        rotated = store->rotate_refresh_token(request);
      } else {
        revoked = store->revoke_session(user.id, created.session.id, kT0 + 1s);
      }
    });
    REQUIRE(rotated.ok());
    REQUIRE(revoked.ok());
    CHECK(*revoked);
    // Either the rotation came first (and its child was then revoked) or it saw the revocation.
    CHECK((rotated->outcome == RotateOutcome::kRotated ||
           rotated->outcome == RotateOutcome::kSessionRevoked));
    for (const auto& t : AK_OK(store->list_refresh_tokens(created.session.id))) {
      CHECK(t.status != RefreshTokenStatus::kActive);
    }
  }
  check_invariants(*store, {user.id});
}

STORE_TEST("store: concurrent reads each get their own rows, and see the writes made before them") {
  TestType backend;
  auto store = backend.open();
  std::vector<authkit::User> users;
  std::vector<authkit::Session> sessions;
  for (int i = 0; i < kThreads; ++i) {
    users.push_back(make_user(*store, "reader" + std::to_string(i) + "@test.dev"));
    sessions.push_back(make_session(*store, users.back().id).session);
  }
  constexpr int kReads = 200;
  std::atomic<int> wrong{0};
  race(kThreads, [&](int t) {
    const auto i = static_cast<std::size_t>(t);
    for (int n = 0; n < kReads; ++n) {
      // Halfway, each thread revokes its own session: every read after that must see it.
      if (n == kReads / 2) {
        auto revoked = store->revoke_session(users[i].id, sessions[i].id, kT0 + 1s);
        if (!revoked.ok() || !*revoked) ++wrong;
      }
      auto found = store->find_session_with_user(sessions[i].id);
      const auto expected = n < kReads / 2 ? SessionStatus::kActive : SessionStatus::kRevoked;
      if (!found.ok() || !found->has_value() || (*found)->user.email != users[i].email ||
          (*found)->session.id != sessions[i].id || (*found)->session.status != expected) {
        ++wrong;
      }
      auto by_id = store->find_user_by_id(users[i].id);
      if (!by_id.ok() || !by_id->has_value() || (*by_id)->email != users[i].email) ++wrong;
    }
  });
  CHECK(wrong == 0);
}
