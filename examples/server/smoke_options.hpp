// The command line of `authkit-server smoke`: which deployment, how long to wait, whose
// certificate authorities, which e-mail domain for the throw-away account.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <variant>

#include "smoke_target.hpp"

namespace authkit::server {

inline constexpr const char* kSmokeUsage = R"(Usage: authkit-server smoke --url URL [OPTIONS]

Runs register, login, me, refresh, replay and logout against the deployment at URL with a
throw-away account, printing each step with its latency. Exits 0 when every step answered as
the REST contract says, 1 at the first step that did not (naming the step, the URL, what came
back and what was expected), 2 for a usage error. Tokens and the password are never printed.

Options:
  --url URL             http://host[:port][/prefix] or https://... (required)
  --timeout SECONDS     bound on each request as a whole, 1-300 (default 10)
  --ca-file PATH        PEM certificate authorities for https instead of the system's
  --email-domain NAME   domain of the throw-away account's e-mail (default example.com)
  --help                print this help and exit
)";

struct SmokeOptions {
  SmokeTarget target;
  std::chrono::seconds timeout{10};
  std::string ca_file;
  std::string email_domain = "example.com";
  bool help = false;
};

// The options after the word `smoke`, or a message naming what is wrong.
std::variant<SmokeOptions, std::string> parse_smoke_options(std::span<char* const> args);

}  // namespace authkit::server
