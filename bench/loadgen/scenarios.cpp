#include "scenarios.hpp"

#include <chrono>
#include <functional>
#include <thread>

#include <nlohmann/json.hpp>

namespace loadgen {
namespace {

using nlohmann::json;

constexpr const char* kRegister = "/v1/auth/register";
constexpr const char* kLogin = "/v1/auth/sessions";
constexpr const char* kRefresh = "/v1/auth/tokens/refresh";
constexpr const char* kMe = "/v1/auth/me";

json parse(const Reply& reply) { return json::parse(reply.body, nullptr, false); }

std::string string_at(const json& doc, const char* key) {
  if (!doc.is_object()) return {};
  const auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string user_email(const json& doc) {
  return doc.is_object() && doc.contains("user") ? string_at(doc["user"], "email") : "";
}

// A unique identity per iteration, as the original's script builds it:
// <prefix>-<VU>-<ITER>-<epoch ms>, e-mail <id>@benchmark.test, name "Bench <id>".
std::string iteration_id(const GroupState& group, const WorkerState& worker) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return group.run_id + "-" + std::to_string(worker.worker) + "-" +
         std::to_string(worker.iteration) + "-" + std::to_string(ms);
}

std::string register_body(const std::string& id, const std::string& email) {
  return json{{"name", "Bench " + id}, {"email", email}, {"password", kPassword}}.dump();
}

std::string login_body(const std::string& email) {
  return json{{"email", email}, {"password", kPassword}}.dump();
}

std::string refresh_body(const std::string& token) { return json{{"refreshToken", token}}.dump(); }

// Setup must not fail on a passing overload: a 503 or a lost connection is retried.
Reply until_answered(const std::function<Reply()>& send) {
  Reply reply;
  for (int attempt = 0; attempt < 50; ++attempt) {
    reply = send();
    if (reply.status != 0 && reply.status != 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + 20 * attempt));
  }
  return reply;
}

bool setup_register(Connection& http, const std::string& email) {
  const auto reply = until_answered(
      [&] { return http.post(nullptr, "", kRegister, register_body("setup", email)); });
  return reply.status == 201;
}

bool setup_login(Connection& http, const std::string& email, WorkerState& worker) {
  const auto reply =
      until_answered([&] { return http.post(nullptr, "", kLogin, login_body(email)); });
  const auto doc = parse(reply);
  worker.email = email;
  worker.access_token = string_at(doc, "accessToken");
  worker.refresh_token = string_at(doc, "refreshToken");
  return reply.status == 200 && !worker.access_token.empty() && !worker.refresh_token.empty();
}

// --- Steps: one request each, with its checks. ---

void register_step(Connection& http, Recorder& rec, const std::string& id,
                   const std::string& email) {
  const auto reply = http.post(&rec, "register", kRegister, register_body(id, email));
  rec.check("register status is 201", reply.status == 201);
}

struct Tokens {
  std::string access;
  std::string refresh;
  bool ok() const { return !access.empty() && !refresh.empty(); }
};

// Which expectations a login carries: the original's session lifecycle checks the status and
// both tokens; its refresh replay checks the status only (six checks an iteration in both, as
// its published run counts them: 175 iterations, 1,050 checks); a relogin checks nothing.
enum class LoginChecks { kStatusAndTokens, kStatus, kNone };

Tokens login_step(Connection& http, Recorder& rec, const std::string& email, LoginChecks checks,
                  std::string_view name = "login") {
  const auto reply = http.post(&rec, name, kLogin, login_body(email));
  const auto doc = parse(reply);
  Tokens tokens{string_at(doc, "accessToken"), string_at(doc, "refreshToken")};
  if (checks != LoginChecks::kNone) rec.check("login status is 200", reply.status == 200);
  if (checks == LoginChecks::kStatusAndTokens) {
    rec.check("login has an access token", !tokens.access.empty());
    rec.check("login has a refresh token", !tokens.refresh.empty());
  }
  return reply.status == 200 ? tokens : Tokens{};
}

void me_step(Connection& http, Recorder& rec, const std::string& access, const std::string& email) {
  if (access.empty()) {
    ++rec.request("me").skipped;
    rec.check("me status is 200", false);
    rec.check("me has the same email", false);
    return;
  }
  const auto reply = http.get(&rec, "me", kMe, access);
  rec.check("me status is 200", reply.status == 200);
  rec.check("me has the same email", user_email(parse(reply)) == email);
}

struct Refreshed {
  int status = 0;
  std::string token;  // the rotated refresh token, or empty when the refresh failed
};

Refreshed refresh_step(Connection& http, Recorder& rec, const std::string& refresh) {
  if (refresh.empty()) {
    ++rec.request("refresh").skipped;
    rec.check("refresh status is 200", false);
    rec.check("refresh token rotated", false);
    return {};
  }
  const auto reply = http.post(&rec, "refresh", kRefresh, refresh_body(refresh));
  const auto rotated = string_at(parse(reply), "refreshToken");
  const bool ok = reply.status == 200 && !rotated.empty() && rotated != refresh;
  rec.check("refresh status is 200", reply.status == 200);
  rec.check("refresh token rotated", ok);
  return {reply.status, ok ? rotated : std::string()};
}

// Replays a refresh token that was rotated: the session must be compromised.
void replay_step(Connection& http, Recorder& rec, const std::string& used_refresh,
                 bool was_rotated) {
  if (!was_rotated) {
    ++rec.request("replay").skipped;
    rec.check("replay status is 401", false);
    rec.check("replay code is REFRESH_TOKEN_REUSED", false);
    return;
  }
  const auto reply = http.post(&rec, "replay", kRefresh, refresh_body(used_refresh));
  const auto doc = parse(reply);
  const bool reused = doc.is_object() && doc.contains("error") &&
                      string_at(doc["error"], "code") == "REFRESH_TOKEN_REUSED";
  rec.check("replay status is 401", reply.status == 401);
  rec.check("replay code is REFRESH_TOKEN_REUSED", reused);
}

// --- Scenarios. ---

// Which steps follow register -> login for a new user each iteration.
struct NewUserSteps {
  LoginChecks login;
  bool me;              // GET /v1/auth/me with the new access token
  bool refresh_replay;  // refresh, then replay the first refresh token
};

// A user of its own each iteration. The original's session_lifecycle is register -> login ->
// me (its think time is the group's); its refresh_replay is register -> login -> refresh ->
// replay the first token; `lifecycle` runs both in one iteration (one registration and login
// serve both).
class NewUserScenario : public Scenario {
 public:
  explicit NewUserScenario(NewUserSteps steps) : steps_(steps) {}

  void iterate(Connection& http, Recorder& rec, const GroupState& group,
               WorkerState& worker) override {
    const auto id = iteration_id(group, worker);
    const auto email = id + "@benchmark.test";
    register_step(http, rec, id, email);
    const auto tokens = login_step(http, rec, email, steps_.login);
    if (steps_.me) me_step(http, rec, tokens.access, email);
    if (steps_.refresh_replay) {
      const auto refreshed = refresh_step(http, rec, tokens.refresh);
      replay_step(http, rec, tokens.refresh, !refreshed.token.empty());
    }
  }

 private:
  NewUserSteps steps_;
};

// The group's user, registered once before the run.
class WithGroupUser : public Scenario {
 public:
  bool prepare(Connection& setup, GroupState& group) override {
    group.email = group.run_id + "-user@benchmark.test";
    return setup_register(setup, group.email);
  }
};

// The group's user, and one session per worker opened before the run.
class WithWorkerSession : public WithGroupUser {
 public:
  bool prepare_worker(Connection& setup, const GroupState& group, WorkerState& worker) override {
    return setup_login(setup, group.email, worker);
  }
};

class MeOnly : public WithWorkerSession {
 public:
  void iterate(Connection& http, Recorder& rec, const GroupState&, WorkerState& worker) override {
    me_step(http, rec, worker.access_token, worker.email);
  }
};

// Each worker rotates its own session's refresh token again and again. A broken chain (the
// token refused) is mended by a new login, recorded as "relogin".
class RefreshChain : public WithWorkerSession {
 public:
  void iterate(Connection& http, Recorder& rec, const GroupState& group,
               WorkerState& worker) override {
    if (worker.refresh_token.empty()) {
      const auto tokens = login_step(http, rec, group.email, LoginChecks::kNone, "relogin");
      worker.access_token = tokens.access;
      worker.refresh_token = tokens.refresh;
      if (!tokens.ok()) return;
    }
    const auto refreshed = refresh_step(http, rec, worker.refresh_token);
    if (!refreshed.token.empty()) {
      worker.refresh_token = refreshed.token;
    } else if (refreshed.status == 401) {
      worker.refresh_token.clear();  // refused for good: log in again next time
    }
  }
};

class LoginOnly : public WithGroupUser {
 public:
  void iterate(Connection& http, Recorder& rec, const GroupState& group, WorkerState&) override {
    login_step(http, rec, group.email, LoginChecks::kStatusAndTokens);
  }
};

class Health : public Scenario {
 public:
  void iterate(Connection& http, Recorder& rec, const GroupState&, WorkerState&) override {
    const auto reply = http.get(&rec, "health", "/health");
    rec.check("health status is 200", reply.status == 200);
  }
};

}  // namespace

bool scenario_exists(const std::string& name) { return make_scenario(name) != nullptr; }

std::unique_ptr<Scenario> make_scenario(const std::string& name) {
  if (name == "session-lifecycle") {
    return std::make_unique<NewUserScenario>(
        NewUserSteps{.login = LoginChecks::kStatusAndTokens, .me = true, .refresh_replay = false});
  }
  if (name == "refresh-replay") {
    return std::make_unique<NewUserScenario>(
        NewUserSteps{.login = LoginChecks::kStatus, .me = false, .refresh_replay = true});
  }
  if (name == "lifecycle") {
    return std::make_unique<NewUserScenario>(
        NewUserSteps{.login = LoginChecks::kStatusAndTokens, .me = true, .refresh_replay = true});
  }
  if (name == "me") return std::make_unique<MeOnly>();
  if (name == "refresh-chain") return std::make_unique<RefreshChain>();
  if (name == "login") return std::make_unique<LoginOnly>();
  if (name == "health") return std::make_unique<Health>();
  return nullptr;
}

}  // namespace loadgen
