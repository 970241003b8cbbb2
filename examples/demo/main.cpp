// authkit: a command-line demo of libauthkit's token core (issue, verify, reject, JWKS).
// It uses only the public API. The reference server replaces it as `make run`'s program.
#include <authkit/clock.hpp>
#include <authkit/crypto.hpp>
#include <authkit/jwt.hpp>
#include <authkit/version.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

using namespace authkit;

// Demo secrets are random per run: the demo never needs (or prints) a configured secret.
std::string random_secret() {
  std::array<std::uint8_t, 48> bytes{};
  crypto::random_bytes(bytes);
  return crypto::base64url_encode(std::span<const std::uint8_t>(bytes));
}

int fail(const char* step, const Error& error) {
  std::fprintf(stderr, "authkit: %s failed: %s (%s)\n", step, error.message.c_str(),
               error.diagnostic.c_str());
  return 1;
}

void print_usage() {
  std::printf(
      "usage: authkit [--version | --help]\n"
      "Issues an access/refresh token pair with fresh random keys, verifies both, shows the\n"
      "checks that refuse misuse, and prints the JWKS of an EdDSA access key.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("authkit %s\n", AUTHKIT_VERSION_STRING);
    return 0;
  }
  if (argc > 1) {
    print_usage();
    return std::strcmp(argv[1], "--help") == 0 ? 0 : 2;
  }

  KeySet keys;
  auto access_key = SigningKey::hmac(JwtAlgorithm::kHS256, random_secret());
  auto refresh_key = SigningKey::hmac(JwtAlgorithm::kHS256, random_secret());
  if (!access_key) return fail("making the access key", access_key.error());
  if (!refresh_key) return fail("making the refresh key", refresh_key.error());
  if (auto added = keys.add(TokenType::kAccess, *access_key); !added) {
    return fail("adding the access key", added.error());
  }
  if (auto added = keys.add(TokenType::kRefresh, *refresh_key); !added) {
    return fail("adding the refresh key", added.error());
  }
  const TokenCodec codec(keys, TokenValidation{"auth-api", "auth-api-clients"});

  const std::int64_t now = to_unix_seconds(SystemClock().now());
  const std::string session_id = crypto::random_uuid_v4();
  const Claims access{session_id,         TokenType::kAccess, now, now + 15 * 60,
                      "auth-api-clients", "auth-api",         "1", crypto::random_uuid_v4()};
  Claims refresh = access;
  refresh.type = TokenType::kRefresh;
  refresh.expires_at = now + 7 * 24 * 3600;
  refresh.jwt_id = crypto::random_uuid_v4();

  auto access_token = codec.issue(access);
  auto refresh_token = codec.issue(refresh);
  if (!access_token) return fail("issuing the access token", access_token.error());
  if (!refresh_token) return fail("issuing the refresh token", refresh_token.error());

  std::printf("libauthkit %s demo\n\n", AUTHKIT_VERSION_STRING);
  std::printf("session          %s\n", session_id.c_str());
  std::printf("access token     %s\n", access_token->c_str());
  std::printf("refresh token    %s\n", refresh_token->c_str());
  std::printf("stored as        sha256 %s\n\n", crypto::sha256_hex(*refresh_token).c_str());

  auto verified_access = codec.verify(*access_token, TokenType::kAccess, now);
  auto verified_refresh = codec.verify(*refresh_token, TokenType::kRefresh, now);
  if (!verified_access)
    return fail("verifying the access token", to_error(verified_access.error()));
  if (!verified_refresh) {
    return fail("verifying the refresh token", to_error(verified_refresh.error()));
  }
  std::printf("verify access    ok: user %s, session %s, expires in %llds\n",
              verified_access->subject.c_str(), verified_access->session_id.c_str(),
              static_cast<long long>(verified_access->expires_at - now));
  std::printf("verify refresh   ok: jti %s\n", verified_refresh->jwt_id.c_str());

  const auto misuse = codec.verify(*refresh_token, TokenType::kAccess, now);
  const auto expired = codec.verify(*access_token, TokenType::kAccess, access.expires_at);
  std::printf("refresh as access  refused: %s\n",
              misuse ? "NOT REFUSED" : std::string(to_string(misuse.error())).c_str());
  std::printf("access after exp   refused: %s\n\n",
              expired ? "NOT REFUSED" : std::string(to_string(expired.error())).c_str());
  if (misuse || expired) return 1;

  KeySet published;
  auto eddsa = SigningKey::generate(JwtAlgorithm::kEdDSA, "demo-ed25519");
  if (!eddsa) return fail("generating an EdDSA key", eddsa.error());
  if (auto added = published.add(TokenType::kAccess, *eddsa); !added) {
    return fail("adding the EdDSA key", added.error());
  }
  std::printf("JWKS of an EdDSA access key (what /.well-known/jwks.json will serve):\n%s\n",
              published.jwks().c_str());
  return 0;
}
