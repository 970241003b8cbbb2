// Config::from_env over a map of variables, for tests that configure the library by name.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "authkit/config.hpp"

namespace authkit_test {

using ConfigVars = std::map<std::string, std::string, std::less<>>;

inline authkit::Result<authkit::Config> config_from_vars(const ConfigVars& vars) {
  return authkit::Config::from_env([&vars](std::string_view name) -> std::optional<std::string> {
    const auto found = vars.find(name);
    if (found == vars.end()) return std::nullopt;
    return found->second;
  });
}

// The same, failing the test (with the library's message) when the variables are refused.
inline authkit::Config config_or_fail(const ConfigVars& vars) {
  auto config = config_from_vars(vars);
  if (!config) FAIL(config.error().message);
  return *config;
}

}  // namespace authkit_test
