// Core: equal hashing work for unknown e-mails (docs/compatibility.md#login-equal-hashing), rehash
// on login, a hasher's own gate, rate limits (checklist 10's wiring), readiness (checklist 11) and
// configuration (checklist 14) of docs/api.md#behaviour-checklist.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "authkit/backends.hpp"
#include "authkit/crypto.hpp"
#include "authkit/rate_limiter_factory.hpp"
#include "core_fixture.hpp"
#include "forwarding_store.hpp"
#include "password/concurrency_gate.hpp"
#include "password/password_hasher.hpp"

using namespace authkit;
using authkit_test::Harness;
using namespace std::chrono_literals;

// docs/compatibility.md#login-equal-hashing
CORE_TEST("core: an unknown e-mail does the same hashing work as a wrong password") {
  Harness<TestType> h;
  auto user = h.service->register_user({"Known", "known@example.com", "strong-pass-123"}, h.ctx());
  REQUIRE(user);
  h.hasher->reset();

  auto unknown = h.service->create_session({"nobody@example.com", "wrong-pass-000"}, h.ctx());
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::kInvalidCredentials);
  const auto unknown_calls = h.hasher->verified_parameters();
  const int unknown_hashes = h.hasher->hashes();
  h.hasher->reset();

  auto wrong = h.service->create_session({"known@example.com", "wrong-pass-000"}, h.ctx());
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == ErrorCode::kInvalidCredentials);
  CHECK(wrong.error().message == unknown.error().message);
  const auto wrong_calls = h.hasher->verified_parameters();

  // One verification each, against a hash of the same algorithm and cost, and nothing else.
  REQUIRE(unknown_calls.size() == 1);
  REQUIRE(wrong_calls.size() == 1);
  CHECK(unknown_calls[0] == wrong_calls[0]);
  CHECK(unknown_calls[0].starts_with("$argon2id$v=19$m=8,t=1,p=1"));
  CHECK(unknown_hashes == 0);
  CHECK(h.hasher->hashes() == 0);

  CHECK(h.metric("auth_api_login_attempts_total{outcome=\"invalid_credentials\"}") == 2);
  const auto failed = h.audit->named("auth.login.failed");
  REQUIRE(failed.size() == 2);
  CHECK(failed[0].fields.empty());  // no e-mail unless AUDIT_LOG_EMAILS
  CHECK(failed[1].fields == LogFields{{"userId", std::int64_t{user->id}}});
  CHECK(h.audit->all_text().find("wrong-pass-000") == std::string::npos);
}

// docs/compatibility.md#audit-email-opt-in
CORE_TEST("core: failed-login audit events carry the e-mail only when enabled") {
  Harness<TestType> h([](Config& c) { c.audit_log_emails = true; });
  auto user = h.service->register_user({"Known", "known@example.com", "strong-pass-123"}, h.ctx());
  REQUIRE(user);
  REQUIRE_FALSE(h.service->create_session({"Nobody@example.com", "wrong-pass-000"}, h.ctx()));
  REQUIRE_FALSE(h.service->create_session({"known@example.com", "wrong-pass-000"}, h.ctx()));
  const auto failed = h.audit->named("auth.login.failed");
  REQUIRE(failed.size() == 2);
  CHECK(failed[0].fields == LogFields{{"email", "nobody@example.com"}});
  CHECK(failed[1].fields ==
        LogFields{{"email", "known@example.com"}, {"userId", std::int64_t{user->id}}});
}

// docs/compatibility.md#password-rehash
CORE_TEST("core: a bcrypt hash from an adopted database is replaced at login") {
  Harness<TestType> h;
  PasswordPolicy bcrypt;
  bcrypt.algorithm = PasswordAlgorithm::kBcrypt;
  bcrypt.bcrypt_rounds = kBcryptRoundsMin;
  auto old_hash = make_password_hasher(bcrypt)->hash("legacy-pass-123");
  REQUIRE(old_hash);
  auto user = h.store->create_user({"Legacy", "legacy@example.com", *old_hash, h.clock->now()});
  REQUIRE(user);

  REQUIRE(h.service->create_session({"legacy@example.com", "legacy-pass-123"}, h.ctx()));
  CHECK(h.hasher->hashes() == 1);
  auto stored = h.store->find_user_by_id(user->id);
  REQUIRE((stored && *stored));
  CHECK((*stored)->password_hash.starts_with("$argon2id$"));
  CHECK_FALSE(h.hasher->needs_rehash((*stored)->password_hash));

  h.hasher->reset();
  REQUIRE(h.service->create_session({"legacy@example.com", "legacy-pass-123"}, h.ctx()));
  CHECK(h.hasher->hashes() == 0);  // already current: no second rehash
  CHECK_FALSE(h.service->create_session({"legacy@example.com", "legacy-pass-124"}, h.ctx()));

  // An Argon2id hash of another cost is moved to the current one as well.
  PasswordPolicy costlier = h.config.password_policy();
  costlier.argon2_opslimit = 2;
  auto other_cost = make_password_hasher(costlier)->hash("costly-pass-123");
  REQUIRE(other_cost);
  auto costly = h.store->create_user({"Costly", "costly@example.com", *other_cost, h.clock->now()});
  REQUIRE(costly);
  REQUIRE(h.service->create_session({"costly@example.com", "costly-pass-123"}, h.ctx()));
  auto moved = h.store->find_user_by_id(costly->id);
  REQUIRE((moved && *moved));
  CHECK((*moved)->password_hash != *other_cost);
  CHECK_FALSE(h.hasher->needs_rehash((*moved)->password_hash));
}

CORE_TEST("core: an injected hasher whose own gate is saturated elsewhere gives 503, counted") {
  // The service's queue admits these calls (its slot is free); the hasher's gate, shared with
  // another user of the same hasher, refuses them at once.
  auto gate = std::make_shared<detail::ConcurrencyGate>(1);
  Harness<TestType> h({}, detail::make_password_hasher(authkit_test::test_config_policy(), gate));
  REQUIRE(h.service->register_user({"Gate", "gate@example.com", "strong-pass-123"}, h.ctx()));

  auto held = gate->try_acquire();  // another request is hashing
  REQUIRE(held);
  auto login = h.service->create_session({"gate@example.com", "strong-pass-123"}, h.ctx());
  REQUIRE_FALSE(login);
  CHECK(login.error().code == ErrorCode::kServiceUnavailable);
  CHECK(login.error().status == 503);
  auto reg = h.service->register_user({"Gate", "gate2@example.com", "strong-pass-123"}, h.ctx());
  REQUIRE_FALSE(reg);
  CHECK(reg.error().code == ErrorCode::kServiceUnavailable);
  auto unknown = h.service->create_session({"nobody@example.com", "strong-pass-123"}, h.ctx());
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::kServiceUnavailable);
  CHECK(h.metric("auth_api_password_hash_rejections_total") == 3);
  CHECK(h.metric("auth_api_login_attempts_total{outcome=\"invalid_credentials\"}") == -1);

  held.release();
  CHECK(h.service->create_session({"gate@example.com", "strong-pass-123"}, h.ctx()));
}

CORE_TEST("core: the auth bucket refuses request max+1, invalid bodies included (checklist 10)") {
  Harness<TestType> h([](Config& c) { c.rate_limit_max_requests = 3; });
  for (int i = 0; i < 3; ++i) {
    auto r = h.service->register_user_json("[]", h.ctx());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kInvalidPayload);
    REQUIRE(r.rate_limit);
    CHECK(r.rate_limit->allowed);
    CHECK(r.rate_limit->remaining == 2 - i);
  }
  auto refused = h.service->refresh_json(R"({"refreshToken":"x"})", h.ctx());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kTooManyRequests);
  CHECK(refused.error().status == 429);
  REQUIRE(refused.rate_limit);
  const RateLimitDecision& decision = *refused.rate_limit;
  CHECK_FALSE(decision.allowed);
  CHECK(decision.limit == 3);
  CHECK(decision.remaining == 0);
  CHECK(decision.mode == RateLimitMode::kMemory);
  CHECK(reset_after_seconds(decision) == 60);
  CHECK(h.metric("auth_api_rate_limit_hits_total{bucket=\"auth\",mode=\"memory\"}") == 1);

  // Another client IP has its own counter; an empty IP shares "global".
  const RequestContext other{{std::nullopt, "10.9.9.9"}, ""};
  CHECK(h.service->register_user({"Other", "other@example.com", "strong-pass-123"}, other));
  h.clock->advance(60001ms);  // a new window
  CHECK(h.service->register_user({"Again", "again@example.com", "strong-pass-123"}, h.ctx()));
}

namespace {

// A limiter that cannot answer at all: a backend without a fallback, failing.
class MuteLimiter final : public RateLimiter {
 public:
  Result<RateLimitDecision> hit(std::string_view, std::string_view, const RateLimit&) override {
    return Error(ErrorCode::kServiceUnavailable, "limiter down");
  }
  Result<RateLimitDecision> peek(std::string_view bucket, std::string_view key,
                                 const RateLimit& limit) override {
    return hit(bucket, key, limit);
  }
};

}  // namespace

CORE_TEST("core: a public POST no limiter answered goes through with no decision") {
  Harness<TestType> h({}, nullptr, std::make_shared<MuteLimiter>());
  auto registered =
      h.service->register_user({"Mute", "mute@example.com", "strong-pass-123"}, h.ctx());
  REQUIRE(registered);
  CHECK_FALSE(registered.rate_limit.has_value());
  // Neither the auth bucket nor the account bucket answered.
  auto login = h.service->create_session_json(
      R"({"email":"mute@example.com","password":"strong-pass-123"})", h.ctx());
  REQUIRE(login);
  CHECK_FALSE(login.rate_limit.has_value());
  auto invalid = h.service->revoke_current_json("[]", h.ctx());
  REQUIRE_FALSE(invalid);
  CHECK(invalid.error().code == ErrorCode::kInvalidPayload);
  CHECK_FALSE(invalid.rate_limit.has_value());
  const auto logged = h.logger->names();
  CHECK(std::count(logged.begin(), logged.end(), "rate_limiter_error") >= 3);
}

CORE_TEST("core: RATE_LIMIT_IPV6_PREFIX groups IPv6 clients of the auth bucket") {
  Harness<TestType> h([](Config& c) {
    c.rate_limit_max_requests = 2;
    c.rate_limit_ipv6_prefix = 56;
  });
  const auto from = [](const char* ip) { return RequestContext{{std::nullopt, ip}, ""}; };
  // Two addresses of one /56 (different /64s) share the budget of 2; the third request is refused.
  CHECK(h.service->register_user_json("[]", from("2001:db8:0:1::1")).error().code ==
        ErrorCode::kInvalidPayload);
  CHECK(h.service->register_user_json("[]", from("2001:db8:0:ff::2")).error().code ==
        ErrorCode::kInvalidPayload);
  CHECK(h.service->register_user_json("[]", from("2001:db8:0:80::3")).error().code ==
        ErrorCode::kTooManyRequests);
  CHECK(h.service->register_user_json("[]", from("2001:db8:0:100::1")).error().code ==
        ErrorCode::kInvalidPayload);

  for (int prefix : {0, 129}) {
    Config bad = authkit_test::test_config();
    bad.rate_limit_ipv6_prefix = prefix;
    ServiceDependencies deps;
    deps.store = h.store;
    auto refused = AuthService::create(bad, deps);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::kInvalidConfiguration);
    CHECK(refused.error().diagnostic.find("RATE_LIMIT_IPV6_PREFIX") != std::string::npos);
  }
}

CORE_TEST("core: an account is locked after N failures, before any hashing (checklist 10)") {
  Harness<TestType> h([](Config& c) { c.login_max_failures_per_account = 3; });
  REQUIRE(h.service->register_user({"Lock", "lock@example.com", "strong-pass-123"}, h.ctx()));
  for (int i = 0; i < 3; ++i) {
    const RequestContext from_many{{"agent", "10.0.0." + std::to_string(i)}, ""};
    auto r = h.service->create_session({"lock@example.com", "wrong-pass-000"}, from_many);
    CHECK(r.error().code == ErrorCode::kInvalidCredentials);
  }
  h.hasher->reset();
  auto locked = h.service->create_session({" LOCK@example.com", "strong-pass-123"}, h.ctx());
  REQUIRE_FALSE(locked);
  CHECK(locked.error().code == ErrorCode::kTooManyRequests);
  REQUIRE(locked.rate_limit);  // the account bucket's decision, not the auth bucket's
  CHECK_FALSE(locked.rate_limit->allowed);
  CHECK(locked.rate_limit->limit == 3);
  CHECK(h.hasher->verified_parameters().empty());  // no hashing work for a locked account
  CHECK(h.metric("auth_api_rate_limit_hits_total{bucket=\"login_account\",mode=\"memory\"}") == 1);
  // Unknown e-mails are counted as well, so a lock reveals nothing about existence.
  for (int i = 0; i < 3; ++i) {
    REQUIRE_FALSE(h.service->create_session({"ghost@example.com", "wrong-pass-000"}, h.ctx()));
  }
  CHECK(h.service->create_session({"ghost@example.com", "wrong-pass-000"}, h.ctx()).error().code ==
        ErrorCode::kTooManyRequests);
  h.clock->advance(15min + 1ms);
  CHECK(h.service->create_session({"lock@example.com", "strong-pass-123"}, h.ctx()));
}

// Anyone who knows an e-mail address can lock its logins; that must not log its owner out
// (docs/rate-limiting.md#the-lock-out-trade-off).
CORE_TEST("core: a locked account keeps its sessions: /me and refresh still work") {
  Harness<TestType> h([](Config& c) { c.login_max_failures_per_account = 3; });
  auto owner = h.signup("victim@example.com");
  for (int i = 0; i < 3; ++i) {
    const RequestContext attacker{{"agent", "10.0.1." + std::to_string(i)}, ""};
    REQUIRE_FALSE(h.service->create_session({"victim@example.com", "wrong-pass-000"}, attacker));
  }
  auto locked = h.service->create_session({"victim@example.com", "strong-pass-123"}, h.ctx());
  REQUIRE_FALSE(locked);
  REQUIRE(locked.error().code == ErrorCode::kTooManyRequests);

  CHECK(h.bearer(owner.access_token));
  auto rotated = h.refresh(owner.refresh_token);
  REQUIRE(rotated);
  CHECK(h.bearer(rotated->access_token));
  CHECK(h.session(owner.session.session.id).status == SessionStatus::kActive);
}

namespace {

// A limiter whose ping fails, as an unreachable Redis behind the fail-soft wrapper does.
class DownRedis final : public RateLimiter {
 public:
  Result<RateLimitDecision> hit(std::string_view, std::string_view, const RateLimit& l) override {
    RateLimitDecision d;
    d.limit = l.max_hits;
    d.remaining = l.max_hits;
    return d;
  }
  Result<RateLimitDecision> peek(std::string_view b, std::string_view k,
                                 const RateLimit& l) override {
    return hit(b, k, l);
  }
  Result<void> ping() override { return Error(ErrorCode::kServiceUnavailable, "redis down"); }
  std::uint64_t fallback_total() const noexcept override { return 5; }
};

// A store whose database stops answering pings (everything else is forwarded).
class UnreachableStore final : public authkit_test::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<void> ping() override { return Error(ErrorCode::kServiceUnavailable, "db down"); }
};

}  // namespace

CORE_TEST("core: health and readiness report each dependency (checklist 11)") {
  Harness<TestType> h;
  CHECK(h.service->health().timestamp == authkit_test::kStart);
  auto report = h.service->ready();
  CHECK(report.ready);
  CHECK(report.database == DependencyState::kUp);
  CHECK(report.redis == DependencyState::kDisabled);

  Harness<TestType> down([](Config& c) { c.redis_url = "redis://127.0.0.1:1/0"; }, nullptr,
                         std::make_shared<DownRedis>());
  auto not_ready = down.service->ready();
  CHECK_FALSE(not_ready.ready);
  CHECK(not_ready.database == DependencyState::kUp);
  CHECK(not_ready.redis == DependencyState::kDown);
  CHECK(down.metric("auth_api_readiness_failures_total{dependency=\"redis\"}") == 1);
  // The limiter's fallback count is published at render time, once.
  CHECK(down.metric("auth_api_rate_limit_fallback_total") == 5);
  CHECK(down.metric("auth_api_rate_limit_fallback_total") == 5);

  // The database first: when it fails, Redis is not even probed.
  auto registry = std::make_shared<MetricsRegistry>();
  ServiceDependencies deps;
  deps.store = std::make_shared<UnreachableStore>(h.store);
  deps.metrics = registry;
  deps.clock = h.clock;
  deps.rate_limiter = std::make_shared<DownRedis>();
  Config redis_config = authkit_test::test_config();
  redis_config.redis_url = "redis://127.0.0.1:1/0";
  auto no_db = AuthService::create(redis_config, deps);
  REQUIRE(no_db);
  auto db_down = (*no_db)->ready();
  CHECK_FALSE(db_down.ready);
  CHECK(db_down.database == DependencyState::kDown);
  CHECK(db_down.redis == DependencyState::kUnknown);
  CHECK(db_down.timestamp == authkit_test::kStart);
  const std::string text = (*no_db)->metrics_text();
  CHECK(text.find("auth_api_readiness_failures_total{dependency=\"database\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("dependency=\"redis\"") == std::string::npos);
}

CORE_TEST("core: configuration defaults and refusals (checklist 14)") {
  std::map<std::string, std::string> env{{"DATABASE_URL", "sqlite::memory:"},
                                         {"ACCESS_TOKEN_SECRET", std::string(32, 'a')},
                                         {"REFRESH_TOKEN_SECRET", std::string(32, 'b')},
                                         {"NODE_ENV", "test"}};
  const auto lookup = [&](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    return it == env.end() ? std::nullopt : std::optional(it->second);
  };
  auto config = Config::from_env(lookup);
  REQUIRE(config);
  // The server's defaults (PORT, LOG_LEVEL silent in test, /docs on, /metrics off and without a
  // token) are authkit-server's: tests/server/server_config_test.cpp checks them.
  config->argon2_opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
  config->argon2_memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
  auto service = AuthService::open(*config);
  REQUIRE(service);
  CHECK((*service)->ready().ready);

  env["ACCESS_TOKEN_SECRET"] = "short";
  env["ACCESS_TOKEN_EXPIRES_IN"] = "15 minutes";
  auto bad = Config::from_env(lookup);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("ACCESS_TOKEN_SECRET") != std::string::npos);
  CHECK(bad.error().message.find("ACCESS_TOKEN_EXPIRES_IN") != std::string::npos);

  Harness<TestType> h;
  ServiceDependencies deps;
  deps.store = h.store;
  auto no_secrets = AuthService::create(Config{}, deps);
  REQUIRE_FALSE(no_secrets);
  CHECK(no_secrets.error().code == ErrorCode::kInvalidConfiguration);
  auto no_store = AuthService::create(authkit_test::test_config(), {});
  REQUIRE_FALSE(no_store);
  CHECK(no_store.error().code == ErrorCode::kInvalidConfiguration);
}

TEST_CASE("core: with MIGRATE_ON_START off, open refuses a schema that is behind", "[core]") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("authkit-migrate-" + crypto::random_uuid_v4() + ".db");
  struct Cleanup {
    std::filesystem::path path;
    ~Cleanup() {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path.string() + suffix);
      }
    }
  } cleanup{path};
  Config config = authkit_test::test_config();
  config.database_url = "sqlite://" + path.string();
  config.migrate_on_start = false;

  auto refused = AuthService::open(config);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kServiceUnavailable);
  CHECK(refused.error().diagnostic.find("authkit-server migrate") != std::string::npos);
  CHECK(refused.error().diagnostic.find("MIGRATE_ON_START") != std::string::npos);

  {
    auto store = open_store(config.database_url);
    REQUIRE(store);
    REQUIRE((*store)->migrate());
  }
  auto opened = AuthService::open(config);
  REQUIRE(opened);
  CHECK((*opened)->register_user({"Ada", "ada@example.com", "strong-pass-123"}, {}));
}

namespace {

// A hasher whose verification throws, as a buggy embedder-supplied decorator might.
class ThrowingHasher final : public PasswordHasher {
 public:
  ThrowingHasher() : inner_(make_password_hasher(authkit_test::test_config_policy())) {}
  Result<std::string> hash(std::string_view p) override { return inner_->hash(p); }
  Result<bool> verify(std::string_view, std::string_view) override {
    throw std::runtime_error("decorator bug");
  }
  bool needs_rehash(std::string_view h) override { return inner_->needs_rehash(h); }

 private:
  std::shared_ptr<PasswordHasher> inner_;
};

}  // namespace

CORE_TEST("core: an exception inside an operation is INTERNAL_SERVER_ERROR, never thrown") {
  Harness<TestType> h({}, std::make_shared<ThrowingHasher>());
  REQUIRE(h.service->register_user({"Boom", "boom@example.com", "strong-pass-123"}, h.ctx()));
  auto login = h.service->create_session({"boom@example.com", "strong-pass-123"}, h.ctx());
  REQUIRE_FALSE(login);
  CHECK(login.error().code == ErrorCode::kInternalServerError);
  CHECK(login.error().status == 500);
  CHECK(login.error().message == "internal server error");
  const auto logged = h.logger->names();
  CHECK(std::find(logged.begin(), logged.end(), "unhandled_error") != logged.end());
}

#if defined(AUTHKIT_TEST_POSTGRES)
// The PostgreSQL build runs under scripts/with-services.sh, which also starts a Redis: the
// production shape (PostgreSQL + Redis) of checklist item 10.
CORE_TEST("core: with Redis, request max+1 is refused and counted with mode redis (checklist 10)") {
  const char* redis_url = std::getenv("AUTHKIT_TEST_REDIS_URL");
  if (redis_url == nullptr || *redis_url == '\0') {
    FAIL("AUTHKIT_TEST_REDIS_URL is not set: run the suite under scripts/with-services.sh");
  }
  auto limiter = authkit::make_rate_limiter(std::string(redis_url));
  REQUIRE(limiter);
  Harness<TestType> h([](Config& c) { c.rate_limit_max_requests = 1; }, nullptr,
                      std::shared_ptr<authkit::RateLimiter>(std::move(*limiter)));
  // A client address of its own, so the shared Redis holds no earlier count for it.
  const RequestContext client{{"agent", "10.77." + authkit::crypto::random_uuid_v4().substr(0, 8)},
                              "corr-redis"};
  auto registered =
      h.service->register_user({"Redis", "redis-limit@example.com", "strong-pass-123"}, client);
  REQUIRE(registered);
  REQUIRE(registered.rate_limit);
  CHECK(registered.rate_limit->mode == RateLimitMode::kRedis);
  auto refused = h.service->register_user_json("{}", client);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kTooManyRequests);
  REQUIRE(refused.rate_limit);
  CHECK(refused.rate_limit->mode == RateLimitMode::kRedis);
  CHECK(h.metric("auth_api_rate_limit_hits_total{bucket=\"auth\",mode=\"redis\"}") == 1);
  CHECK(h.metric("auth_api_rate_limit_hits_total{bucket=\"auth\",mode=\"memory\"}") == -1);
}
#endif
