// bcrypt password hashes ($2a$, $2b$, $2y$) through libxcrypt's crypt_rn and crypt_gensalt_rn.
#include "password/bcrypt.hpp"

#include <crypt.h>
#include <sodium.h>

#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "authkit/crypto.hpp"

namespace authkit::detail {
namespace {

constexpr std::size_t kBcryptHashLength = 60;  // "$2b$10$" + 22 + 31

bool is_bcrypt_base64(char c) noexcept {
  return c == '.' || c == '/' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9');
}

// crypt_data is ~32 KiB: too large for the stack of a request thread, and it holds
// password-derived state, so it is wiped before it is freed.
struct CryptDataDeleter {
  void operator()(crypt_data* data) const noexcept {
    sodium_memzero(data, sizeof *data);
    delete data;
  }
};
using CryptData = std::unique_ptr<crypt_data, CryptDataDeleter>;

// A NUL-terminated copy of a password, wiped when it goes out of scope.
class SecretCString {
 public:
  explicit SecretCString(std::string_view text) : text_(text) {}
  SecretCString(const SecretCString&) = delete;
  SecretCString& operator=(const SecretCString&) = delete;
  ~SecretCString() { sodium_memzero(text_.data(), text_.size()); }
  const char* c_str() const noexcept { return text_.c_str(); }

 private:
  std::string text_;
};

// crypt_rn of `password` with `setting` (a salt or a whole stored hash); nullopt on failure.
std::optional<std::string> run_crypt(std::string_view password, const std::string& setting) {
  const SecretCString phrase(password);
  CryptData data(new crypt_data{});
  const char* out = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof *data);
  // crypt_rn answers NULL on failure; some builds also write a "*0"/"*1" failure token.
  if (out == nullptr || out[0] == '*') return std::nullopt;
  return std::string(out);
}

}  // namespace

std::optional<BcryptHashInfo> parse_bcrypt_hash(std::string_view stored_hash) noexcept {
  const auto s = stored_hash;
  if (s.size() != kBcryptHashLength) return std::nullopt;
  if (s[0] != '$' || s[1] != '2' || s[3] != '$' || s[6] != '$') return std::nullopt;
  if (s[2] != 'a' && s[2] != 'b' && s[2] != 'y') return std::nullopt;
  if (s[4] < '0' || s[4] > '9' || s[5] < '0' || s[5] > '9') return std::nullopt;
  const int cost = (s[4] - '0') * 10 + (s[5] - '0');
  if (cost < 4 || cost > 31) return std::nullopt;
  for (std::size_t i = 7; i < s.size(); ++i) {
    if (!is_bcrypt_base64(s[i])) return std::nullopt;
  }
  return BcryptHashInfo{s[2], cost};
}

Result<std::string> bcrypt_hash(std::string_view password, int rounds) {
  std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> salt{};
  // A null random-bytes argument makes libxcrypt draw the salt from the OS's CSPRNG.
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(rounds), nullptr, 0, salt.data(),
                       static_cast<int>(salt.size())) == nullptr) {
    return Error(ErrorCode::kInternalServerError, "crypt_gensalt_rn failed for bcrypt");
  }
  auto hashed = run_crypt(password, std::string(salt.data()));
  if (!hashed || !parse_bcrypt_hash(*hashed)) {
    return Error(ErrorCode::kInternalServerError, "crypt_rn failed to make a bcrypt hash");
  }
  return std::move(*hashed);
}

Result<bool> bcrypt_verify(std::string_view password, std::string_view stored_hash) {
  if (!parse_bcrypt_hash(stored_hash)) {
    // The stored hash itself stays out of the diagnostic: it is credential material.
    return Error(ErrorCode::kInternalServerError,
                 "stored password hash is not a valid bcrypt hash");
  }
  // crypt_rn reads the password up to its first NUL, so "abc\0xyz" would pass for "abc".
  // crypt cannot hash such a password faithfully: it never matches.
  if (password.find('\0') != std::string_view::npos) return false;
  const auto computed = run_crypt(password, std::string(stored_hash));
  if (!computed) {
    return Error(ErrorCode::kInternalServerError, "crypt_rn failed to verify a bcrypt hash");
  }
  return crypto::constant_time_equal(*computed, stored_hash);
}

}  // namespace authkit::detail
