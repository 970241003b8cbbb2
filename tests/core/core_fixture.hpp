// The core suite's harness: an AuthService over a fresh store with a fake clock and recorders.
#pragma once

#include <sodium.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "authkit/auth_service.hpp"
#include "authkit/backends.hpp"
#include "authkit/jwt.hpp"
#include "backends.hpp"
#include "log_fields_text.hpp"

namespace authkit_test {

using namespace std::chrono_literals;

// A whole second, so that JWT `iat`/`exp` (seconds) and stored times (ms) line up exactly.
inline const authkit::TimePoint kStart{authkit::Duration{1'795'879'103'000}};

// Keeps every audit event.
class RecordingAudit final : public authkit::AuditSink {
 public:
  void record(const authkit::AuditEvent& event) noexcept override {
    const std::lock_guard lock(mutex_);
    events_.push_back(event);
  }
  std::vector<authkit::AuditEvent> events() const {
    const std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<authkit::AuditEvent> named(std::string_view name) const {
    std::vector<authkit::AuditEvent> out;
    for (auto& e : events()) {
      if (e.event == name) out.push_back(e);
    }
    return out;
  }
  void clear() {
    const std::lock_guard lock(mutex_);
    events_.clear();
  }
  // Every string field value of every event: for "no secret anywhere" checks.
  std::string all_text() const {
    std::string out;
    for (const auto& e : events()) {
      out += e.event + " " + e.correlation_id + authkit::testing::fields_text(e.fields) + "\n";
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<authkit::AuditEvent> events_;
};

// Keeps every log event.
class RecordingLog final : public authkit::Logger {
 public:
  void log(authkit::LogLevel, std::string_view event, const authkit::LogFields&) noexcept override {
    const std::lock_guard lock(mutex_);
    names_.emplace_back(event);
  }
  std::vector<std::string> names() const {
    const std::lock_guard lock(mutex_);
    return names_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> names_;
};

// The algorithm and cost part of an encoded hash, without salt and digest:
// "$argon2id$v=19$m=8,t=1,p=1" or "$2b$08".
inline std::string hash_parameters(std::string_view encoded) {
  const bool bcrypt = encoded.starts_with("$2");
  // The separators to skip: "$2b$08|$<salt+digest>", "$argon2id$v=19$m=..|$<salt>$<digest>".
  const int fields = bcrypt ? 2 : 3;
  std::size_t pos = 0;
  for (int i = 0; i < fields; ++i) {
    pos = encoded.find('$', pos + 1);
    if (pos == std::string_view::npos) return std::string(encoded);
  }
  return std::string(encoded.substr(0, pos));
}

// A PasswordHasher decorator recording each call and the parameters of the hash verified against.
class CountingHasher final : public authkit::PasswordHasher {
 public:
  explicit CountingHasher(std::shared_ptr<authkit::PasswordHasher> inner)
      : inner_(std::move(inner)) {}

  authkit::Result<std::string> hash(std::string_view password) override {
    {
      const std::lock_guard lock(mutex_);
      ++hashes_;
    }
    return inner_->hash(password);
  }
  authkit::Result<bool> verify(std::string_view password, std::string_view stored) override {
    {
      const std::lock_guard lock(mutex_);
      verified_parameters_.push_back(hash_parameters(stored));
    }
    return inner_->verify(password, stored);
  }
  bool needs_rehash(std::string_view stored) override { return inner_->needs_rehash(stored); }

  int hashes() const {
    const std::lock_guard lock(mutex_);
    return hashes_;
  }
  std::vector<std::string> verified_parameters() const {
    const std::lock_guard lock(mutex_);
    return verified_parameters_;
  }
  void reset() {
    const std::lock_guard lock(mutex_);
    hashes_ = 0;
    verified_parameters_.clear();
  }

 private:
  std::shared_ptr<authkit::PasswordHasher> inner_;
  mutable std::mutex mutex_;
  int hashes_ = 0;
  std::vector<std::string> verified_parameters_;
};

// Two distinct secrets, libsodium's smallest Argon2id cost (fast tests), no throttling.
inline authkit::Config test_config() {
  authkit::Config c;
  c.access_token_secret = "access-secret-access-secret-0123456789";
  c.refresh_token_secret = "refresh-secret-refresh-secret-0123456789";
  c.argon2_opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
  c.argon2_memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
  c.rate_limit_max_requests = 1'000'000;
  c.login_max_failures_per_account = 1'000'000;
  return c;
}

inline authkit::PasswordPolicy test_config_policy() { return test_config().password_policy(); }

// An AuthService over a fresh database of `Backend`, with every dependency observable.
template <class Backend>
class Harness {
 public:
  explicit Harness(const std::function<void(authkit::Config&)>& tweak = {},
                   std::shared_ptr<authkit::PasswordHasher> hasher_inner = nullptr,
                   std::shared_ptr<authkit::RateLimiter> limiter_in = nullptr)
      : limiter(std::move(limiter_in)) {
    config = test_config();
    if (tweak) tweak(config);
    store = std::shared_ptr<authkit::Store>(backend.open());
    if (!hasher_inner) hasher_inner = authkit::make_password_hasher(config.password_policy());
    hasher = std::make_shared<CountingHasher>(std::move(hasher_inner));
    authkit::ServiceDependencies deps;
    deps.store = store;
    deps.password_hasher = hasher;
    deps.metrics = metrics;
    deps.audit = audit;
    deps.logger = logger;
    deps.clock = clock;
    deps.rate_limiter = limiter;
    auto created = authkit::AuthService::create(config, std::move(deps));
    if (!created) FAIL("AuthService::create: " << created.error().diagnostic);
    service = std::move(*created);
    hasher->reset();  // forget the dummy hash made at creation
  }

  // Registers and logs in `email` (password "strong-pass-123").
  authkit::AuthResult signup(const std::string& email, const authkit::RequestContext& c = ctx()) {
    auto user = service->register_user({"Test User", email, kPassword}, c);
    if (!user) FAIL("register_user: " << user.error().message << " " << user.error().diagnostic);
    return login(email, c);
  }
  authkit::AuthResult login(const std::string& email, const authkit::RequestContext& c = ctx()) {
    auto result = service->create_session({email, kPassword}, c);
    if (!result)
      FAIL("create_session: " << result.error().message << " " << result.error().diagnostic);
    return std::move(*result);
  }
  authkit::Result<authkit::AuthResult> refresh(const std::string& token,
                                               const authkit::RequestContext& c = ctx()) {
    return service->refresh(authkit::RefreshTokenInput{token}, c);
  }
  authkit::Result<authkit::Principal> bearer(const std::string& access_token) {
    return service->authenticate("Bearer " + access_token, ctx());
  }
  authkit::Session session(const std::string& id) {
    auto s = store->find_session(id);
    if (!s || !*s) FAIL("session " << id << " not found");
    return **s;
  }
  std::vector<authkit::RefreshToken> tokens(const std::string& session_id) {
    auto t = store->list_refresh_tokens(session_id);
    if (!t) FAIL("list_refresh_tokens: " << t.error().diagnostic);
    return *t;
  }
  // The value of one sample of the rendered metrics ("name{labels}"), or -1 when absent.
  double metric(const std::string& sample) {
    const std::string text = service->metrics_text();
    const auto pos = text.find("\n" + sample + " ");
    if (pos == std::string::npos) return -1;
    const auto start = pos + 1 + sample.size() + 1;
    return std::stod(text.substr(start, text.find('\n', start) - start));
  }
  authkit::Claims claims(const std::string& token, authkit::TokenType type) {
    auto codec = authkit::make_token_codec(config);
    REQUIRE(codec);
    auto c = codec->verify(token, type, authkit::to_unix_seconds(clock->now()));
    if (!c) FAIL("verify: " << authkit::to_string(c.error()));
    return *c;
  }

  static authkit::RequestContext ctx() {
    return authkit::RequestContext{{"spec-agent/1.0", "::ffff:127.0.0.1"}, "corr-1"};
  }
  static constexpr const char* kPassword = "strong-pass-123";

  std::shared_ptr<authkit::RateLimiter> limiter;  // null: the service's own memory limiter
  Backend backend;
  authkit::Config config;
  std::shared_ptr<authkit::ManualClock> clock = std::make_shared<authkit::ManualClock>(kStart);
  std::shared_ptr<RecordingAudit> audit = std::make_shared<RecordingAudit>();
  std::shared_ptr<RecordingLog> logger = std::make_shared<RecordingLog>();
  std::shared_ptr<authkit::MetricsRegistry> metrics = std::make_shared<authkit::MetricsRegistry>();
  std::shared_ptr<authkit::Store> store;
  std::shared_ptr<CountingHasher> hasher;
  std::unique_ptr<authkit::AuthService> service;
};

// The refresh-chain invariants every state must keep: no ACTIVE token on a session that is not
// ACTIVE, at most one ACTIVE token per session, and every USED token has its child.
inline void check_invariants(authkit::Store& store, authkit::UserId user) {
  auto sessions = store.list_sessions(user);
  REQUIRE(sessions);
  for (const auto& s : *sessions) {
    auto tokens = store.list_refresh_tokens(s.id);
    REQUIRE(tokens);
    int active = 0;
    for (const auto& t : *tokens) {
      if (t.status == authkit::RefreshTokenStatus::kActive) ++active;
      if (t.status == authkit::RefreshTokenStatus::kUsed) {
        REQUIRE(t.replaced_by_token_id.has_value());
        bool child_found = false;
        for (const auto& c : *tokens) {
          if (c.id == *t.replaced_by_token_id) {
            child_found = true;
            CHECK(c.parent_token_id == t.id);
          }
        }
        CHECK(child_found);
      }
    }
    CHECK(active <= 1);
    if (s.status != authkit::SessionStatus::kActive) CHECK(active == 0);
  }
}

}  // namespace authkit_test

#if defined(AUTHKIT_TEST_POSTGRES)
#define AUTHKIT_CORE_BACKENDS authkit_test::Postgres, authkit_test::PostgresUncoalesced
#else
#define AUTHKIT_CORE_BACKENDS authkit_test::SqliteMemory
#endif

// One test case, run on this executable's backends (SQLite in memory, or PostgreSQL with read
// coalescing on and off).
#define CORE_TEST(name) TEMPLATE_TEST_CASE(name, "[core]", AUTHKIT_CORE_BACKENDS)
