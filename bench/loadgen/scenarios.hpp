// The scenarios: the original's two k6 scenarios (session lifecycle, refresh replay), both
// chained, and single-route loads (me, refresh chain, login, health). Each iteration records a
// check per expectation, as k6's check() counts them; a step whose precondition failed (no
// token to use) is not sent, and its checks count as failed, as they would fail under k6.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connection.hpp"
#include "recorder.hpp"

namespace loadgen {

// A worker's identity and the tokens it carries from one iteration to the next.
struct WorkerState {
  int worker = 0;      // 1-based, as k6's __VU
  long iteration = 0;  // 0-based, as k6's __ITER
  std::string email;   // of the user the worker logs in as, when it has one
  std::string access_token;
  std::string refresh_token;
};

// What the workers of one group share: made once before the run by Scenario::prepare.
struct GroupState {
  std::string run_id;  // distinguishes this run's users from earlier runs' on the same db
  std::string email;   // the user of "login", "me" and "refresh-chain"
};

class Scenario {
 public:
  virtual ~Scenario() = default;
  // Before the run, not measured: e.g. registers the group's user. False stops the run.
  virtual bool prepare(Connection& setup, GroupState& group) {
    (void)setup;
    (void)group;
    return true;
  }
  // Before the run, once per worker, on the worker's own connection; not measured.
  virtual bool prepare_worker(Connection& setup, const GroupState& group, WorkerState& worker) {
    (void)setup;
    (void)group;
    (void)worker;
    return true;
  }
  // One measured iteration.
  virtual void iterate(Connection& http, Recorder& rec, const GroupState& group,
                       WorkerState& worker) = 0;
};

bool scenario_exists(const std::string& name);
std::unique_ptr<Scenario> make_scenario(const std::string& name);

// The password of every user the load generator registers (the original's script uses it too).
inline constexpr const char* kPassword = "strong-pass-123";

}  // namespace loadgen
