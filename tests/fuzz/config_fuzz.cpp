// Fuzz target: configuration. The input is .env text (the reference server's parser); its
// variables are read as a name/value list by ServerConfig::from_env, which reads the library's
// Config (Config::read) and the server's own settings in one pass. No file is read:
// ACCESS_TOKEN_PRIVATE_KEY_FILE is left out of the list (a path the fuzzer makes up could be
// anything, /dev/stdin included). Messages are built from fixed text and names, never from a
// value (a value may be a secret): the oracle checks they are printable ASCII, so an input byte
// outside it, copied into a message, shows up.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "authkit/settings.hpp"
#include "env_file.hpp"
#include "fuzz_target.hpp"
#include "server_config.hpp"

using authkit_fuzz::expect;

namespace {

bool printable_ascii(std::string_view text) {
  return std::ranges::all_of(text, [](char c) { return c >= 0x20 && c < 0x7F; });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = authkit::server::parse_env_text(text);
  if (!parsed.error.empty()) {
    expect(printable_ascii(parsed.error), "a .env error quotes no value");
    return 0;
  }
  std::map<std::string, std::string, std::less<>> values;
  for (const auto& [name, value] : parsed.entries) values.insert_or_assign(name, value);
  values.erase("ACCESS_TOKEN_PRIVATE_KEY_FILE");
  const auto config = authkit::server::ServerConfig::from_env(
      [&](std::string_view name) -> std::optional<std::string> {
        const auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
      });
  if (config) return 0;
  const auto& error = config.error();
  expect(error.code == authkit::ErrorCode::kInvalidConfiguration && !error.details.empty(),
         "a refusal is INVALID_CONFIGURATION with its issues");
  expect(printable_ascii(error.message), "the message quotes no value");
  for (const auto& detail : error.details) {
    // Every issue names a documented variable, and quotes none of the values.
    expect(authkit::find_setting(detail.path) != nullptr, "an issue names a documented variable");
    expect(printable_ascii(detail.message), "an issue quotes no value");
  }
  return 0;
}

std::vector<std::string> authkit_fuzz::seeds() {
  return {
      "ACCESS_TOKEN_SECRET=0123456789abcdef0123456789abcdef\n"
      "REFRESH_TOKEN_SECRET='fedcba9876543210fedcba9876543210'\n"
      "DATABASE_URL=sqlite::memory:\n",
      "export ACCESS_TOKEN_EXPIRES_IN=15m\nREFRESH_TOKEN_EXPIRES_IN=7d # a week\n"
      "JWT_LEEWAY_SECONDS=30\nRATE_LIMIT_WINDOW_MS=1e3\nRATE_LIMIT_MAX_REQUESTS=0x10\n",
      "PASSWORD_HASH_ALGORITHM=bcrypt\nBCRYPT_ROUNDS=4\nARGON2_OPSLIMIT=2\nARGON2_MEMLIMIT=8192\n"
      "PASSWORD_HASH_CONCURRENCY=2\nPASSWORD_HASH_QUEUE_MAX=0\nPASSWORD_HASH_QUEUE_TIMEOUT_MS=50\n",
      "ACCESS_TOKEN_ALGORITHM=ES256\nACCESS_TOKEN_KEY_ID=k1\nREFRESH_TOKEN_ALGORITHM=HS512\n"
      "ACCESS_TOKEN_SECRET=\"-----BEGIN PUBLIC KEY-----\\nMFk\"\n",
      "NODE_ENV=production\nMETRICS_ENABLED=true\nPORT=0\nHTTP_THREADS=4\nHTTP_MAX_THREADS=2\n"
      "LOG_LEVEL=verbose\nTRUST_PROXY=1\n",
      "SESSION_MAX_AGE=0\nREFRESH_REUSE_GRACE_MS=2000\nAUDIT_LOG_EMAILS=yes\n"
      "LOGIN_MAX_FAILURES_PER_ACCOUNT=-1\nRATE_LIMIT_IPV6_PREFIX=129\nPURGE_RETENTION=30d\n"
      "MIGRATE_ON_START=off\nDATABASE_POOL_SIZE=  8 \nDATABASE_READ_COALESCING=maybe\n",
      "REDIS_URL=redis://:pw@127.0.0.1:6379/2\nDATABASE_URL=postgres://u:p@h/db\n",
      "BAD LINE\n",
      "A='unterminated\n",
      "\xEF\xBB\xBF# comment\n\n",
  };
}
