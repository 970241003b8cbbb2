// Fuzz target: DATABASE_URL and REDIS_URL, through parse_redis_url and through Config::from_env
// (which checks both, as at start-up). A URL may carry a password, so no message may quote it:
// the messages are fixed text, which the oracle checks as "printable ASCII only" (an input byte
// outside it, copied into a message, shows up).
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "authkit/config.hpp"
#include "fuzz_target.hpp"

using authkit_fuzz::expect;

namespace {

bool printable_ascii(std::string_view text) {
  return std::ranges::all_of(text, [](char c) { return c >= 0x20 && c < 0x7F; });
}

void check_refusal(const authkit::Error& error) {
  expect(error.code == authkit::ErrorCode::kInvalidConfiguration,
         "a refusal is INVALID_CONFIGURATION");
  expect(printable_ascii(error.message), "the message quotes no URL");
  for (const auto& detail : error.details) {
    expect(printable_ascii(detail.message), "an issue quotes no URL");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string url(reinterpret_cast<const char*>(data), size);
  if (const auto redis = authkit::parse_redis_url(url)) {
    expect(url.starts_with("redis://"), "only redis:// is accepted");
    expect(!redis->host.empty() && redis->port != 0 && redis->db >= 0, "an accepted URL is usable");
  } else {
    check_refusal(redis.error());
  }
  const auto config = authkit::Config::from_env([&](std::string_view name) {
    if (name == "DATABASE_URL" || name == "REDIS_URL") return std::optional<std::string>(url);
    if (name == "ACCESS_TOKEN_SECRET") return std::optional<std::string>(std::string(48, 'a'));
    if (name == "REFRESH_TOKEN_SECRET") return std::optional<std::string>(std::string(48, 'r'));
    return std::optional<std::string>();
  });
  if (!config) {
    check_refusal(config.error());
    for (const auto& detail : config.error().details) {
      expect(detail.path == "DATABASE_URL" || detail.path == "REDIS_URL",
             "only the URLs are at fault");
    }
  } else if (config->redis_url) {
    expect(authkit::parse_redis_url(*config->redis_url).ok(),
           "an accepted REDIS_URL is one the limiter parses");
  }
  return 0;
}

std::vector<std::string> authkit_fuzz::seeds() {
  return {"redis://127.0.0.1:6379/0",
          "redis://user:p%40ss@cache.example:6380/15",
          "redis://:secret@[::1]:6379",
          "rediss://host",
          "redis://host?db=1",
          "postgresql://authkit:pw@localhost:5432/authkit?sslmode=disable",
          "postgres://u@%2Fvar%2Frun%2Fpostgresql/db",
          "sqlite://authkit.db",
          "sqlite::memory:",
          "  sqlite:///var/lib/authkit/auth.db  ",
          "mysql://x",
          ""};
}
