// A consumer of the installed libauthkit: issues and verifies a token and hashes a password,
// through the public headers only. Prints one line and exits 0 when everything worked.
#include <authkit/jwt.hpp>
#include <authkit/password.hpp>
#include <authkit/signing_key.hpp>
#include <authkit/version.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

namespace {

int fail(const char* step) {
  std::fprintf(stderr, "authkit_consumer: %s failed\n", step);
  return 1;
}

}  // namespace

int main() {
  const std::string access_secret(40, 'a');
  const std::string refresh_secret(40, 'r');
  authkit::KeySet keys;
  auto access_key = authkit::SigningKey::hmac(authkit::JwtAlgorithm::kHS256, access_secret);
  auto refresh_key = authkit::SigningKey::hmac(authkit::JwtAlgorithm::kHS256, refresh_secret);
  if (!access_key || !refresh_key) return fail("making the keys");
  if (!keys.add(authkit::TokenType::kAccess, *access_key)) return fail("adding the access key");
  if (!keys.add(authkit::TokenType::kRefresh, *refresh_key)) return fail("adding the refresh key");
  const authkit::TokenCodec codec(keys, authkit::TokenValidation{"consumer", "consumer-clients"});

  const std::int64_t now = 1'700'000'000;
  const authkit::Claims claims{"0b9f2c64-6f5e-4a53-9d49-1c8f3c1b6a10",
                               authkit::TokenType::kAccess,
                               now,
                               now + 900,
                               "consumer-clients",
                               "consumer",
                               "42",
                               "5d1c7a3e-2b4f-4e8a-9c6d-7f0e1a2b3c4d"};
  auto token = codec.issue(claims);
  if (!token) return fail("issuing a token");
  auto verified = codec.verify(*token, authkit::TokenType::kAccess, now);
  if (!verified || *verified != claims) return fail("verifying the token");
  if (codec.verify(*token, authkit::TokenType::kRefresh, now)) return fail("refusing misuse");

  // The smallest Argon2id cost libsodium allows: the test is about linking, not hashing cost.
  authkit::PasswordPolicy policy;
  policy.argon2_opslimit = 1;
  policy.argon2_memlimit = 8192;
  auto hasher = authkit::make_password_hasher(policy);
  auto hash = hasher->hash("correct horse battery staple");
  if (!hash) return fail("hashing a password");
  auto good = hasher->verify("correct horse battery staple", *hash);
  auto bad = hasher->verify("wrong password", *hash);
  if (!good || !*good || !bad || *bad) return fail("verifying a password");

  std::printf("authkit_consumer: libauthkit %s ok\n", AUTHKIT_VERSION_STRING);
  return 0;
}
