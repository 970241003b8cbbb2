// Password hashing: Argon2id, bcrypt (the original's hashes), needs_rehash and the gate.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "authkit/password.hpp"
#include "password/concurrency_gate.hpp"
#include "password/password_hasher.hpp"

using authkit::ErrorCode;
using authkit::PasswordAlgorithm;
using authkit::PasswordPolicy;

namespace {

// The cheapest Argon2id cost libsodium accepts: the tests check behaviour, not cost.
PasswordPolicy fast_argon2() {
  PasswordPolicy policy;
  policy.argon2_opslimit = crypto_pwhash_OPSLIMIT_MIN;
  policy.argon2_memlimit = crypto_pwhash_MEMLIMIT_MIN;
  return policy;
}

PasswordPolicy fast_bcrypt() {
  PasswordPolicy policy;
  policy.algorithm = PasswordAlgorithm::kBcrypt;
  policy.bcrypt_rounds = 8;
  return policy;
}

struct OriginalVector {
  std::string password;
  std::string hash;  // "$2b$10$..." made by the original service (bcryptjs)
};

OriginalVector original_vector() {
  std::ifstream in(AUTHKIT_TEST_DATA_DIR "/original-tokens.json");
  REQUIRE(in.good());
  const auto doc = nlohmann::json::parse(in);
  return {doc.at("password").get<std::string>(), doc.at("passwordHashBcrypt").get<std::string>()};
}

std::string with_variant(std::string hash, char variant) {
  hash[2] = variant;
  return hash;
}

}  // namespace

TEST_CASE("password: Argon2id hashes round-trip", "[password]") {
  auto hasher = authkit::make_password_hasher(fast_argon2());
  auto hashed = hasher->hash("correct horse battery staple");
  REQUIRE(hashed.ok());
  CHECK(hashed->starts_with("$argon2id$v=19$m=8,t=1,p=1$"));

  auto good = hasher->verify("correct horse battery staple", *hashed);
  REQUIRE(good.ok());
  CHECK(*good);
  auto bad = hasher->verify("correct horse battery stapler", *hashed);
  REQUIRE(bad.ok());
  CHECK_FALSE(*bad);
  auto empty = hasher->verify("", *hashed);
  REQUIRE(empty.ok());
  CHECK_FALSE(*empty);

  // A random salt per hash: the same password never gives the same string twice.
  auto again = hasher->hash("correct horse battery staple");
  REQUIRE(again.ok());
  CHECK(*again != *hashed);
}

TEST_CASE("password: Argon2id keeps every byte, NULs included", "[password]") {
  auto hasher = authkit::make_password_hasher(fast_argon2());
  const std::string with_nul("abc\0xyz", 7);
  auto hashed = hasher->hash(with_nul);
  REQUIRE(hashed.ok());
  CHECK(*hasher->verify(with_nul, *hashed));
  CHECK_FALSE(*hasher->verify("abc", *hashed));
  const std::string long_password(200, 'p');
  auto long_hash = hasher->hash(long_password);
  REQUIRE(long_hash.ok());
  CHECK_FALSE(*hasher->verify(long_password.substr(0, 72), *long_hash));
}

TEST_CASE("password: the default policy is libsodium's interactive Argon2id cost", "[password]") {
  const PasswordPolicy policy;
  CHECK(policy.algorithm == PasswordAlgorithm::kArgon2id);
  CHECK(policy.argon2_opslimit == crypto_pwhash_OPSLIMIT_INTERACTIVE);
  CHECK(policy.argon2_memlimit == crypto_pwhash_MEMLIMIT_INTERACTIVE);
  CHECK(policy.bcrypt_rounds == 10);
  CHECK(policy.max_concurrency >= 1);
  CHECK(policy.max_concurrency == authkit::default_password_hash_concurrency());

  // One hash at the real default cost (64 MiB, 2 passes: well under a second).
  auto hasher = authkit::make_password_hasher(policy);
  auto hashed = hasher->hash("a default-cost password");
  REQUIRE(hashed.ok());
  CHECK(hashed->starts_with("$argon2id$v=19$m=65536,t=2,p=1$"));
  CHECK(*hasher->verify("a default-cost password", *hashed));
  CHECK_FALSE(hasher->needs_rehash(*hashed));
}

TEST_CASE("password: the original service's bcrypt hash verifies", "[password]") {
  const auto vector = original_vector();
  REQUIRE(vector.hash.starts_with("$2b$10$"));
  auto hasher = authkit::make_password_hasher(fast_argon2());
  auto good = hasher->verify(vector.password, vector.hash);
  REQUIRE(good.ok());
  CHECK(*good);
  auto bad = hasher->verify(vector.password + "x", vector.hash);
  REQUIRE(bad.ok());
  CHECK_FALSE(*bad);
  auto nul = hasher->verify(vector.password + std::string(1, '\0') + "x", vector.hash);
  REQUIRE(nul.ok());
  CHECK_FALSE(*nul);
}

TEST_CASE("password: $2a$ and $2y$ bcrypt hashes verify", "[password]") {
  // For an ASCII password under 72 bytes the three variants compute the same hash, so the
  // original's $2b$ hash with its prefix changed is a $2a$ and a $2y$ known answer.
  const auto vector = original_vector();
  auto hasher = authkit::make_password_hasher(fast_argon2());
  for (const char variant : {'a', 'y'}) {
    CAPTURE(variant);
    const auto stored = with_variant(vector.hash, variant);
    auto good = hasher->verify(vector.password, stored);
    REQUIRE(good.ok());
    CHECK(*good);
    auto bad = hasher->verify("not the password", stored);
    REQUIRE(bad.ok());
    CHECK_FALSE(*bad);
  }
}

TEST_CASE("password: bcrypt mode hashes round-trip as $2b$", "[password]") {
  auto hasher = authkit::make_password_hasher(fast_bcrypt());
  auto hashed = hasher->hash("a bcrypt password");
  REQUIRE(hashed.ok());
  CHECK(hashed->starts_with("$2b$08$"));
  CHECK(hashed->size() == 60);
  CHECK(*hasher->verify("a bcrypt password", *hashed));
  CHECK_FALSE(*hasher->verify("a bcrypt passworD", *hashed));
  CHECK_FALSE(hasher->needs_rehash(*hashed));

  // Exactly 72 bytes is still accepted: bcrypt reads all of them.
  const std::string longest(72, 'x');
  auto hashed_longest = hasher->hash(longest);
  REQUIRE(hashed_longest.ok());
  CHECK(*hasher->verify(longest, *hashed_longest));
}

// docs/compatibility.md#password-max-length
TEST_CASE("password: bcrypt mode refuses passwords bcrypt would truncate", "[password]") {
  auto hasher = authkit::make_password_hasher(fast_bcrypt());
  auto too_long = hasher->hash(std::string(73, 'x'));
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.error().code == ErrorCode::kInvalidPayload);
  CHECK(too_long.error().status == 400);
  REQUIRE(too_long.error().details.size() == 1);
  CHECK(too_long.error().details[0] ==
        authkit::ErrorDetail{"password", "password must have at most 72 bytes"});

  // 72 bytes counted as bytes, not characters: 37 two-byte characters are 74 bytes.
  std::string accented;
  for (int i = 0; i < 37; ++i) accented += "\xc3\xa9";
  auto utf8 = hasher->hash(accented);
  REQUIRE_FALSE(utf8.ok());
  CHECK(utf8.error().code == ErrorCode::kInvalidPayload);

  auto nul = hasher->hash(std::string("abc\0xyz", 7));
  REQUIRE_FALSE(nul.ok());
  CHECK(nul.error().code == ErrorCode::kInvalidPayload);
  REQUIRE(nul.error().details.size() == 1);
  CHECK(nul.error().details[0].path == "password");

  // Argon2id mode has no such limit.
  auto argon = authkit::make_password_hasher(fast_argon2());
  CHECK(argon->hash(std::string(73, 'x')).ok());
}

TEST_CASE("password: needs_rehash under an Argon2id policy", "[password]") {
  const auto vector = original_vector();
  auto hasher = authkit::make_password_hasher(fast_argon2());
  auto current = hasher->hash("pw");
  REQUIRE(current.ok());
  CHECK_FALSE(hasher->needs_rehash(*current));
  // A bcrypt hash (the original's) is moved to Argon2id.
  CHECK(hasher->needs_rehash(vector.hash));
  // Other Argon2 limits.
  auto stronger_policy = fast_argon2();
  stronger_policy.argon2_opslimit = 2;
  auto stronger = authkit::make_password_hasher(stronger_policy);
  CHECK(stronger->needs_rehash(*current));
  auto more_memory_policy = fast_argon2();
  more_memory_policy.argon2_memlimit = 2 * crypto_pwhash_MEMLIMIT_MIN;
  CHECK(authkit::make_password_hasher(more_memory_policy)->needs_rehash(*current));
  // Argon2i (libsodium's other variant) is moved to Argon2id.
  char argon2i[crypto_pwhash_STRBYTES];
  REQUIRE(crypto_pwhash_str_alg(argon2i, "pw", 2, 3, crypto_pwhash_MEMLIMIT_MIN,
                                crypto_pwhash_ALG_ARGON2I13) == 0);
  CHECK(*hasher->verify("pw", argon2i));
  CHECK(hasher->needs_rehash(argon2i));
  // Unreadable hashes.
  CHECK(hasher->needs_rehash(""));
  CHECK(hasher->needs_rehash("garbage"));
  CHECK(hasher->needs_rehash("$argon2id$v=19$m=8,t=1,p=1$broken"));
}

TEST_CASE("password: needs_rehash under a bcrypt policy", "[password]") {
  const auto vector = original_vector();  // $2b$10$
  auto policy = fast_bcrypt();
  policy.bcrypt_rounds = 10;
  auto hasher = authkit::make_password_hasher(policy);
  CHECK_FALSE(hasher->needs_rehash(vector.hash));
  CHECK(hasher->needs_rehash(with_variant(vector.hash, 'a')));
  CHECK(hasher->needs_rehash(with_variant(vector.hash, 'y')));
  policy.bcrypt_rounds = 12;
  CHECK(authkit::make_password_hasher(policy)->needs_rehash(vector.hash));
  auto argon = authkit::make_password_hasher(fast_argon2())->hash("pw");
  REQUIRE(argon.ok());
  CHECK(hasher->needs_rehash(*argon));
  CHECK(hasher->needs_rehash("garbage"));
}

TEST_CASE("password: unusable stored hashes give an error or false, never a crash", "[password]") {
  auto hasher = authkit::make_password_hasher(fast_argon2());
  const auto vector = original_vector();
  const std::string garbage[] = {
      "",
      "garbage",
      "$",
      "$2b$",
      "$2b$10$",
      vector.hash.substr(0, 59),                 // one character short
      vector.hash + "x",                         // one too many
      "$2b$99$" + vector.hash.substr(7),         // impossible cost
      "$2x$10$" + vector.hash.substr(7),         // unsupported variant
      "$2b$10$" + std::string(53, '!'),          // outside bcrypt's alphabet
      "$argon2id$",                              // prefix only
      "$argon2id$v=19$m=8,t=1,p=1$AAAA$BBBB!!",  // bad base64
      "$argon2id$v=19$m=8,t=1,p=1$" + std::string(200, 'A'),
      std::string("$argon2id$v=19\0$m=8", 19),  // embedded NUL
      "$argon2d$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$1$salt$hash",  // MD5-crypt: not accepted even though crypt knows it
  };
  for (const auto& stored : garbage) {
    CAPTURE(stored);
    auto result = hasher->verify("password", stored);
    if (result.ok()) {
      CHECK_FALSE(*result);
    } else {
      CHECK(result.error().code == ErrorCode::kInternalServerError);
      CHECK_FALSE(result.error().diagnostic.empty());
      // The stored hash is credential material: it never appears in the diagnostic.
      if (stored.size() > 8) CHECK(result.error().diagnostic.find(stored) == std::string::npos);
    }
    CHECK(hasher->needs_rehash(stored));
  }
}

TEST_CASE("password: the gate refuses work past its capacity instead of queueing", "[password]") {
  auto gate = std::make_shared<authkit::detail::ConcurrencyGate>(1);
  auto policy = fast_argon2();
  policy.max_concurrency = 1;
  auto hasher = authkit::detail::make_password_hasher(policy, gate);
  auto stored = hasher->hash("pw");
  REQUIRE(stored.ok());

  auto held = gate->try_acquire();  // the only permit, as a concurrent hash would hold it
  REQUIRE(held);
  CHECK(gate->in_use() == 1);

  auto refused = hasher->hash("pw");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kServiceUnavailable);
  CHECK(refused.error().status == 503);
  CHECK(refused.error().diagnostic == "password hashing is saturated");
  auto refused_verify = hasher->verify("pw", *stored);
  REQUIRE_FALSE(refused_verify.ok());
  CHECK(refused_verify.error().code == ErrorCode::kServiceUnavailable);
  // The refusals took no permit of their own.
  CHECK(gate->in_use() == 1);

  held.release();
  CHECK(gate->in_use() == 0);
  CHECK(hasher->hash("pw").ok());
  CHECK(*hasher->verify("pw", *stored));
  CHECK(gate->in_use() == 0);  // every call gave its permit back
}

TEST_CASE("password: gate permits are counted, moved and returned", "[password]") {
  authkit::detail::ConcurrencyGate gate(2);
  CHECK(gate.capacity() == 2);
  {
    auto a = gate.try_acquire();
    auto b = gate.try_acquire();
    CHECK(a);
    CHECK(b);
    CHECK_FALSE(gate.try_acquire());
    auto moved = std::move(a);
    CHECK_FALSE(a);  // NOLINT(bugprone-use-after-move): checking the moved-from state
    CHECK(moved);
    CHECK(gate.in_use() == 2);
    moved = gate.try_acquire();  // saturated: the assignment releases moved's slot
    CHECK_FALSE(moved);
    CHECK(gate.in_use() == 1);
  }
  CHECK(gate.in_use() == 0);
  authkit::detail::ConcurrencyGate zero(0);
  CHECK(zero.capacity() == 1);
}

TEST_CASE("password: a policy with an out-of-range cost refuses to hash", "[password]") {
  auto bcrypt_policy = fast_bcrypt();
  bcrypt_policy.bcrypt_rounds = 16;
  auto too_costly = authkit::make_password_hasher(bcrypt_policy)->hash("pw");
  REQUIRE_FALSE(too_costly.ok());
  CHECK(too_costly.error().code == ErrorCode::kInvalidConfiguration);
  bcrypt_policy.bcrypt_rounds = 7;
  CHECK_FALSE(authkit::make_password_hasher(bcrypt_policy)->hash("pw").ok());

  auto argon_policy = fast_argon2();
  argon_policy.argon2_memlimit = crypto_pwhash_MEMLIMIT_MIN - 1;
  CHECK(authkit::make_password_hasher(argon_policy)->hash("pw").error().code ==
        ErrorCode::kInvalidConfiguration);
  argon_policy = fast_argon2();
  argon_policy.argon2_opslimit = 0;
  CHECK(authkit::make_password_hasher(argon_policy)->hash("pw").error().code ==
        ErrorCode::kInvalidConfiguration);
}
