// `authkit-server smoke`: the production smoke check. Walks a live deployment through the
// lifecycle of docs/api.md with a throw-away account: register, login, me, refresh, replay
// (which must compromise the session) and logout, printing each step with its latency.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "smoke_options.hpp"

namespace authkit::server {

inline constexpr int kSmokeExitFailed = 1;

// Runs the check: progress on `out`, the first failure and the clean-up on `err`. Returns 0
// when every step answered as expected, kSmokeExitFailed otherwise.
int run_smoke_check(const SmokeOptions& options, std::FILE* out, std::FILE* err);

}  // namespace authkit::server
