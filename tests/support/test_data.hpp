// Loading the known-answer files under tests/data.
#pragma once

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>
#include <string>

namespace authkit::testing {

// The parsed JSON file tests/data/<name>; throws (failing the test) when it cannot be read.
inline nlohmann::json load_test_json(const std::string& name) {
  const std::string path = std::string(AUTHKIT_TEST_DATA_DIR) + "/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open test data file " + path);
  return nlohmann::json::parse(in);
}

}  // namespace authkit::testing
