// Token benchmarks: sign and verify+validate per algorithm, beside two references measured in
// the same run: a bare one-shot HMAC-SHA256 (OpenSSL HMAC()) of the same signing input, and
// libjwt's HS256 decode+verify of the same token.
#include <benchmark/benchmark.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "authkit/jwt.hpp"
#include "authkit/password.hpp"

namespace {

using namespace authkit;

const std::string kAccessSecret =
    "c1aabbd466278648d955250c12ed832c7824edc5f3829b711ef0bc0be042a2a38eda6e050441537c7af6f1c2f1c8b1"
    "4a";
const std::string kRefreshSecret =
    "32ddac935f4e49362b3beb4634d92aa302fff3396e5e93a5dfcc53b378957024305153ffb3b8490c8a246ca4318249"
    "79";
constexpr std::int64_t kNow = 1795883694;

Claims access_claims() {
  return Claims{"e9a6d04e-f35c-4834-b92e-9485620273a1",
                TokenType::kAccess,
                kNow,
                kNow + 900,
                "auth-api-clients",
                "auth-api",
                "2890",
                "5f428015-3654-4757-a1ef-7edc13b2796f"};
}

[[noreturn]] void die(const std::string& what) {
  std::cerr << "tokens_bench: " << what << "\n";
  std::exit(1);
}

// One codec per access-token algorithm, built once.
const TokenCodec& codec_for(JwtAlgorithm alg) {
  static std::map<JwtAlgorithm, TokenCodec> codecs;
  auto it = codecs.find(alg);
  if (it != codecs.end()) return it->second;
  auto access = is_symmetric(alg) ? SigningKey::hmac(alg, kAccessSecret + kAccessSecret)
                                  : SigningKey::generate(alg);
  auto refresh = SigningKey::hmac(JwtAlgorithm::kHS256, kRefreshSecret);
  if (!access || !refresh) die("cannot make keys");
  KeySet keys;
  if (!keys.add(TokenType::kAccess, *access) || !keys.add(TokenType::kRefresh, *refresh)) {
    die("cannot build the key set");
  }
  return codecs.emplace(alg, TokenCodec(keys, {"auth-api", "auth-api-clients"})).first->second;
}

const TokenCodec& hs256_codec() {
  static const TokenCodec codec = [] {
    KeySet keys;
    if (!keys.add(TokenType::kAccess,
                  SigningKey::hmac(JwtAlgorithm::kHS256, kAccessSecret).value()) ||
        !keys.add(TokenType::kRefresh,
                  SigningKey::hmac(JwtAlgorithm::kHS256, kRefreshSecret).value())) {
      die("cannot build the key set");
    }
    return TokenCodec(keys, {"auth-api", "auth-api-clients"});
  }();
  return codec;
}

std::string issue(const TokenCodec& codec) {
  auto token = codec.issue(access_claims());
  if (!token) die("cannot issue a token");
  return *token;
}

// The measured loops, whichever codec they run on.
void sign_loop(benchmark::State& state, const TokenCodec& codec) {
  const Claims claims = access_claims();
  for (auto _ : state) benchmark::DoNotOptimize(codec.issue(claims));
}

void verify_loop(benchmark::State& state, const TokenCodec& codec) {
  const std::string token = issue(codec);
  for (auto _ : state) {
    auto claims = codec.verify(token, TokenType::kAccess, kNow);
    if (!claims) die("verification failed");
    benchmark::DoNotOptimize(claims);
  }
}

void BM_HS256_Sign(benchmark::State& state) { sign_loop(state, hs256_codec()); }

void BM_HS256_VerifyValidate(benchmark::State& state) { verify_loop(state, hs256_codec()); }

// Reference 1: a bare one-shot HMAC-SHA256 over the same signing input (no parsing at all).
void BM_Reference_OneShotHMAC(benchmark::State& state) {
  const std::string token = issue(hs256_codec());
  const std::string signing_input = token.substr(0, token.rfind('.'));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  for (auto _ : state) {
    HMAC(EVP_sha256(), kAccessSecret.data(), static_cast<int>(kAccessSecret.size()),
         reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
         &size);
    benchmark::DoNotOptimize(mac);
  }
}

// Reference 2: libjwt's HS256 decode + signature verification of the same token.
void BM_Reference_LibjwtDecode(benchmark::State& state) {
  const std::string token = issue(hs256_codec());
  for (auto _ : state) {
    jwt_t* jwt = nullptr;
    if (jwt_decode(&jwt, token.c_str(),
                   reinterpret_cast<const unsigned char*>(kAccessSecret.data()),
                   static_cast<int>(kAccessSecret.size())) != 0) {
      die("libjwt refused the token");
    }
    benchmark::DoNotOptimize(jwt);
    jwt_free(jwt);
  }
}

void BM_Sign(benchmark::State& state, JwtAlgorithm alg) { sign_loop(state, codec_for(alg)); }

void BM_VerifyValidate(benchmark::State& state, JwtAlgorithm alg) {
  verify_loop(state, codec_for(alg));
}

// Argon2id at the default cost (libsodium's INTERACTIVE limits: 2 passes, 64 MiB).
void BM_Argon2id_Hash_DefaultCost(benchmark::State& state) {
  auto hasher = make_password_hasher(PasswordPolicy{});
  for (auto _ : state) {
    auto hash = hasher->hash("correct-horse-battery");
    if (!hash) die("hashing failed");
    benchmark::DoNotOptimize(hash);
  }
}

void BM_Argon2id_Verify_DefaultCost(benchmark::State& state) {
  auto hasher = make_password_hasher(PasswordPolicy{});
  const std::string stored = hasher->hash("correct-horse-battery").value();
  for (auto _ : state) {
    auto ok = hasher->verify("correct-horse-battery", stored);
    if (!ok || !*ok) die("verification failed");
  }
}

}  // namespace

BENCHMARK(BM_HS256_Sign);
BENCHMARK(BM_HS256_VerifyValidate);
BENCHMARK(BM_Reference_OneShotHMAC);
BENCHMARK(BM_Reference_LibjwtDecode);
BENCHMARK_CAPTURE(BM_Sign, EdDSA, JwtAlgorithm::kEdDSA);
BENCHMARK_CAPTURE(BM_VerifyValidate, EdDSA, JwtAlgorithm::kEdDSA);
BENCHMARK_CAPTURE(BM_Sign, ES256, JwtAlgorithm::kES256);
BENCHMARK_CAPTURE(BM_VerifyValidate, ES256, JwtAlgorithm::kES256);
BENCHMARK_CAPTURE(BM_Sign, RS256, JwtAlgorithm::kRS256);
BENCHMARK_CAPTURE(BM_VerifyValidate, RS256, JwtAlgorithm::kRS256);

BENCHMARK(BM_Argon2id_Hash_DefaultCost)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Argon2id_Verify_DefaultCost)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
