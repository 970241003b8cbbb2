// read_verify_keys: comma-separated `kid:secret` / `kid:path` lists of verify-only keys.
#include "config/verify_keys.hpp"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "authkit/crypto.hpp"
#include "config/key_file.hpp"
#include "js/js_string.hpp"

namespace authkit::config_detail {
namespace {

using detail::js_length;
using detail::js_trim;

constexpr std::string_view kAccessSecrets = "ACCESS_TOKEN_VERIFY_SECRETS";
constexpr std::string_view kAccessKeyFiles = "ACCESS_TOKEN_VERIFY_KEY_FILES";
constexpr std::string_view kRefreshSecrets = "REFRESH_TOKEN_VERIFY_SECRETS";
// Verification looks keys up one by one; a rotation needs two or three per type.
constexpr std::size_t kMaxEntries = 16;
constexpr std::size_t kMaxKidLength = 64;

bool is_kid_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool is_kid(std::string_view text) {
  if (text.size() > kMaxKidLength) return false;
  for (const char c : text) {
    if (!is_kid_character(c)) return false;
  }
  return true;
}

std::string entry_issue(std::string_view variable, std::size_t position, std::string_view what) {
  return std::string(variable) + ": entry " + std::to_string(position) + " " + std::string(what);
}

// The entries of a list: `kid:value` separated by commas, each trimmed; empty entries (a
// trailing comma) are skipped and not counted. nullopt after an issue, so that nothing of a list
// half understood is used.
std::optional<std::vector<VerificationKey>> split_entries(SettingsReader& reader,
                                                          std::string_view variable,
                                                          std::string_view value_name) {
  auto raw = reader.get(variable);
  if (!raw) return std::vector<VerificationKey>{};
  std::vector<VerificationKey> entries;
  bool valid = true;
  const std::string_view list = *raw;
  std::size_t position = 0;
  for (std::size_t start = 0; start <= list.size();) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string_view entry = js_trim(list.substr(start, comma - start));
    start = comma + 1;
    if (entry.empty()) continue;
    ++position;  // counts the entries, as check_secrets does
    if (entries.size() == kMaxEntries) {
      reader.issue(variable,
                   std::string(variable) + ": at most " + std::to_string(kMaxEntries) + " keys");
      valid = false;
      break;
    }
    const std::size_t colon = entry.find(':');
    if (colon == std::string_view::npos) {
      reader.issue(variable, entry_issue(variable, position,
                                         "is not kid:" + std::string(value_name) +
                                             " (an empty kid is the key of tokens without kid)"));
      valid = false;
      continue;
    }
    const std::string_view kid = js_trim(entry.substr(0, colon));
    if (!is_kid(kid)) {
      reader.issue(variable,
                   entry_issue(variable, position,
                               "has a kid that is not 0 to 64 characters of A-Z a-z 0-9 . _ -"));
      valid = false;
      continue;
    }
    entries.push_back(
        VerificationKey{std::string(kid), std::string(js_trim(entry.substr(colon + 1)))});
  }
  if (!valid) {
    for (auto& entry : entries) sodium_memzero(entry.material.data(), entry.material.size());
    return std::nullopt;
  }
  return entries;
}

// Secrets follow ACCESS_TOKEN_SECRET's rules: long enough for their algorithm, never a PEM key.
bool check_secrets(SettingsReader& reader, std::string_view variable,
                   const std::vector<VerificationKey>& keys, std::size_t min_length) {
  bool valid = true;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string& secret = keys[i].material;
    if (js_length(secret) < min_length) {
      reader.issue(variable, entry_issue(variable, i + 1,
                                         "has a secret of fewer than " +
                                             std::to_string(min_length) + " characters"));
      valid = false;
    }
    if (secret.find("-----BEGIN") != std::string::npos) {
      reader.issue(variable, entry_issue(variable, i + 1,
                                         "looks like a PEM key (-----BEGIN): a verify-only secret "
                                         "is a random shared secret, never a public or private "
                                         "key"));
      valid = false;
    }
  }
  return valid;
}

// Each key of one token type has its own kid, and one at most has none.
bool check_kids(SettingsReader& reader, std::string_view variable, std::string_view type,
                std::vector<std::string>& kids_of_type, const std::vector<VerificationKey>& keys) {
  bool valid = true;
  for (const auto& key : keys) {
    bool duplicate = false;
    for (const auto& kid : kids_of_type) duplicate = duplicate || kid == key.kid;
    if (duplicate) {
      reader.issue(variable, key.kid.empty()
                                 ? std::string(variable) + ": two " + std::string(type) +
                                       " token keys have no kid"
                                 : std::string(variable) + ": two " + std::string(type) +
                                       " token keys have the kid \"" + key.kid + "\"");
      valid = false;
    }
    kids_of_type.push_back(key.kid);
  }
  return valid;
}

std::vector<VerificationKey> read_key_files(SettingsReader& reader,
                                            std::vector<VerificationKey> paths) {
  std::vector<VerificationKey> keys;
  for (auto& entry : paths) {
    if (auto pem =
            read_key_file(reader, kAccessKeyFiles, entry.material, PemKind::kPrivateOrPublic)) {
      keys.push_back(VerificationKey{std::move(entry.kid), std::move(*pem)});
    }
  }
  return keys;
}

bool is_hmac(std::string_view algorithm) {
  return algorithm == "HS256" || algorithm == "HS384" || algorithm == "HS512";
}

std::size_t min_secret_length(std::string_view algorithm) {
  return algorithm == "HS512" ? 64 : algorithm == "HS384" ? 48 : 32;
}

// Access and refresh tokens never share a secret (docs/compatibility.md#distinct-secrets), also
// across rotations; the active pair is checked with ACCESS_TOKEN_SECRET.
void check_distinct_secrets(SettingsReader& reader, const Config& config) {
  std::vector<std::string_view> access;
  for (const auto& key : config.access_token_verify_secrets) access.push_back(key.material);
  if (is_hmac(config.access_token_algorithm) && !config.access_token_secret.empty()) {
    access.push_back(config.access_token_secret);
  }
  std::vector<std::string_view> refresh;
  for (const auto& key : config.refresh_token_verify_secrets) refresh.push_back(key.material);
  if (!config.access_token_verify_secrets.empty() && !config.refresh_token_secret.empty()) {
    refresh.push_back(config.refresh_token_secret);
  }
  for (const auto a : access) {
    for (const auto r : refresh) {
      if (crypto::constant_time_equal(a, r)) {
        reader.cross_issue(kRefreshSecrets,
                           "an access-token secret is also a refresh-token secret "
                           "(ACCESS_TOKEN_SECRET, REFRESH_TOKEN_SECRET and their *_VERIFY_SECRETS "
                           "must all differ between the two token types)");
        return;
      }
    }
  }
}

}  // namespace

void read_verify_keys(SettingsReader& reader, Config& config) {
  const std::string_view algorithm = config.access_token_algorithm;
  const std::string_view secret_algorithm = is_hmac(algorithm) ? algorithm : "HS256";

  std::vector<std::string> access_kids{config.access_token_key_id.value_or("")};
  std::vector<std::string> refresh_kids{config.refresh_token_key_id.value_or("")};

  if (auto secrets = split_entries(reader, kAccessSecrets, "secret")) {
    const bool valid =
        check_secrets(reader, kAccessSecrets, *secrets, min_secret_length(secret_algorithm)) &&
        check_kids(reader, kAccessSecrets, "access", access_kids, *secrets);
    if (valid) config.access_token_verify_secrets = std::move(*secrets);
  }
  if (auto files = split_entries(reader, kAccessKeyFiles, "path")) {
    if (check_kids(reader, kAccessKeyFiles, "access", access_kids, *files)) {
      config.access_token_verify_keys = read_key_files(reader, std::move(*files));
    }
  }
  if (auto secrets = split_entries(reader, kRefreshSecrets, "secret")) {
    const bool valid = check_secrets(reader, kRefreshSecrets, *secrets, 32) &&
                       check_kids(reader, kRefreshSecrets, "refresh", refresh_kids, *secrets);
    if (valid) config.refresh_token_verify_secrets = std::move(*secrets);
  }

  // One key set holds both types: a kid names one key of either (KeySet::add).
  for (const auto& kid : refresh_kids) {
    if (kid.empty()) continue;
    for (const auto& access_kid : access_kids) {
      if (kid == access_kid) {
        reader.cross_issue(kRefreshSecrets,
                           "an access-token key and a refresh-token key both have the kid \"" +
                               kid + "\" (REFRESH_TOKEN_KEY_ID, REFRESH_TOKEN_VERIFY_SECRETS)");
      }
    }
  }
  check_distinct_secrets(reader, config);
}

}  // namespace authkit::config_detail
