// Core: the password-hashing queue through the AuthService. A burst waits for a slot instead of
// failing; past the queue's bounds (its length, one client's share) register and login, unknown
// e-mails included, are refused with 503 and counted. Waiting limits are the unit tests' (fake
// clock); nothing here depends on timing: threads are awaited by observable state.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core_fixture.hpp"

using namespace authkit;
using authkit_test::Harness;

namespace {

// A hasher that can be closed: every call waits inside it until it opens again, as a slow
// hash would hold its slot.
class ClosableHasher final : public PasswordHasher {
 public:
  explicit ClosableHasher(std::shared_ptr<PasswordHasher> inner) : inner_(std::move(inner)) {}

  Result<std::string> hash(std::string_view password) override {
    pass();
    return inner_->hash(password);
  }
  Result<bool> verify(std::string_view password, std::string_view stored) override {
    pass();
    return inner_->verify(password, stored);
  }
  bool needs_rehash(std::string_view stored) override { return inner_->needs_rehash(stored); }

  void close() {
    const std::lock_guard lock(mutex_);
    open_ = false;
  }
  void open() {
    {
      const std::lock_guard lock(mutex_);
      open_ = true;
    }
    cv_.notify_all();
  }
  int inside() const { return inside_; }

 private:
  void pass() {
    std::unique_lock lock(mutex_);
    ++inside_;
    cv_.wait(lock, [this] { return open_; });
    --inside_;
  }

  std::shared_ptr<PasswordHasher> inner_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = true;
  std::atomic<int> inside_{0};
};

// The waiting limit runs on the real steady clock here: out of the way, so that a slow host
// cannot turn a waiter into a refusal (the unit tests check the limit with a fake clock).
constexpr Duration kNeverInThisTest = std::chrono::minutes(10);

// One hash at a time behind a queue of `max` waiters, `per_client` of them from one address,
// on a hasher the test can close.
struct OneHashAtATime {
  std::size_t max;
  std::size_t per_client;
  std::shared_ptr<ClosableHasher> closable =
      std::make_shared<ClosableHasher>(make_password_hasher(authkit_test::test_config_policy()));

  void operator()(Config& c) const {
    c.password_hash_concurrency = 1;
    c.password_hash_queue_max = max;
    c.password_hash_queue_max_per_client = per_client;
    c.password_hash_queue_timeout = kNeverInThisTest;
  }
};

RequestContext from(const std::string& ip) { return RequestContext{{"agent", ip}, ""}; }

// Waits (bounded: a hang guard, not a timing assertion) until `done()` holds.
void await(const std::function<bool()>& done, const char* what) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) FAIL("never happened: " << what);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

CORE_TEST("core: a burst past PASSWORD_HASH_CONCURRENCY waits its turn and is served") {
  const OneHashAtATime queue{.max = 8, .per_client = 8};  // one address: the harness's
  const auto& closable = queue.closable;
  Harness<TestType> h(queue, closable);
  REQUIRE(h.service->register_user({"Burst", "burst@example.com", "strong-pass-123"}, h.ctx()));

  closable->close();
  constexpr int kCallers = 6;  // 1 hashing + 5 waiting, all from one address
  std::vector<ErrorCode> codes(kCallers, ErrorCode::kInternalServerError);
  std::vector<int> ok(kCallers, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      auto r = h.service->create_session({"burst@example.com", "strong-pass-123"}, h.ctx());
      ok[static_cast<std::size_t>(i)] = r ? 1 : 0;
      if (!r) codes[static_cast<std::size_t>(i)] = r.error().code;
    });
  }
  await([&] { return closable->inside() == 1; }, "one login hashing");
  await([&] { return h.metric("auth_api_password_hash_queue_depth") == kCallers - 1; },
        "the others queued");
  CHECK(closable->inside() == 1);  // the queue admits one at a time: one hash's memory

  closable->open();
  for (auto& t : threads) t.join();
  CHECK(std::count(ok.begin(), ok.end(), 1) == kCallers);
  CHECK(h.metric("auth_api_password_hash_queue_depth") == 0);
  CHECK(h.metric("auth_api_password_hash_rejections_total") == 0);
  CHECK(h.metric("auth_api_login_attempts_total{outcome=\"success\"}") == kCallers);
}

CORE_TEST("core: past the queue's length or a client's share, 503 for every hashing operation") {
  const OneHashAtATime queue{.max = 2, .per_client = 1};
  const auto& closable = queue.closable;
  Harness<TestType> h(queue, closable);
  REQUIRE(h.service->register_user({"Queue", "queue@example.com", "strong-pass-123"}, h.ctx()));
  const CreateSessionInput good{"queue@example.com", "strong-pass-123"};

  closable->close();
  std::atomic<int> served{0};
  std::vector<std::thread> threads;
  threads.emplace_back(
      [&] { served += h.service->create_session(good, from("10.0.0.1")) ? 1 : 0; });
  await([&] { return closable->inside() == 1; }, "a login hashing");
  // One waiter from 10.0.0.2 (IPv4-mapped: the same client), one from an IPv6 /64.
  threads.emplace_back(
      [&] { served += h.service->create_session(good, from("::ffff:10.0.0.2")) ? 1 : 0; });
  await([&] { return h.metric("auth_api_password_hash_queue_depth") == 1; }, "first waiter");

  // The same client again: its share (1) is taken.
  auto share = h.service->create_session(good, from("10.0.0.2"));
  REQUIRE_FALSE(share);
  CHECK(share.error().code == ErrorCode::kServiceUnavailable);
  CHECK(share.error().status == 503);

  threads.emplace_back(
      [&] { served += h.service->create_session(good, from("2001:db8:1:2::10")) ? 1 : 0; });
  await([&] { return h.metric("auth_api_password_hash_queue_depth") == 2; }, "second waiter");
  // Another address of that /64 is the same client.
  CHECK(h.service->create_session(good, from("2001:db8:1:2::99")).error().code ==
        ErrorCode::kServiceUnavailable);

  // The queue is full: a login of an unknown e-mail and a registration are refused alike,
  // before any lookup or hashing.
  const auto hashed_before = h.hasher->hashes();
  auto unknown =
      h.service->create_session({"nobody@example.com", "strong-pass-123"}, from("10.9.9.9"));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::kServiceUnavailable);
  auto reg =
      h.service->register_user({"New", "new@example.com", "strong-pass-123"}, from("10.9.9.9"));
  REQUIRE_FALSE(reg);
  CHECK(reg.error().code == ErrorCode::kServiceUnavailable);
  CHECK(h.hasher->hashes() == hashed_before);
  CHECK(h.metric("auth_api_password_hash_rejections_total") == 4);
  CHECK(h.metric("auth_api_login_attempts_total{outcome=\"invalid_credentials\"}") == -1);
  // A taken e-mail still costs no queueing: 409 at once, even now.
  CHECK(
      h.service->register_user({"Queue", "queue@example.com", "strong-pass-123"}, from("10.9.9.9"))
          .error()
          .code == ErrorCode::kUserAlreadyExists);

  closable->open();
  for (auto& t : threads) t.join();
  CHECK(served == 3);  // the running login and both waiters
  CHECK(h.metric("auth_api_password_hash_queue_depth") == 0);
  CHECK(h.service->register_user({"New", "new@example.com", "strong-pass-123"}, from("10.9.9.9")));
}
