// CSPRNG, SHA-256, constant-time equality, base64url (RFC 4648 vectors) and UUIDs.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "authkit/crypto.hpp"

namespace crypto = authkit::crypto;

TEST_CASE("base64url encodes the RFC 4648 test vectors without padding", "[crypto]") {
  // RFC 4648 section 10, with the padding removed as JWS requires.
  CHECK(crypto::base64url_encode(std::string_view("")) == "");
  CHECK(crypto::base64url_encode(std::string_view("f")) == "Zg");
  CHECK(crypto::base64url_encode(std::string_view("fo")) == "Zm8");
  CHECK(crypto::base64url_encode(std::string_view("foo")) == "Zm9v");
  CHECK(crypto::base64url_encode(std::string_view("foob")) == "Zm9vYg");
  CHECK(crypto::base64url_encode(std::string_view("fooba")) == "Zm9vYmE");
  CHECK(crypto::base64url_encode(std::string_view("foobar")) == "Zm9vYmFy");
  // The two characters where base64url differs from base64.
  CHECK(crypto::base64url_encode(std::string_view("\xfb\xff\xbf", 3)) == "-_-_");
}

TEST_CASE("base64url decodes what it encodes", "[crypto]") {
  for (const char* text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    CAPTURE(text);
    REQUIRE(crypto::base64url_decode(crypto::base64url_encode(std::string_view(text))) ==
            std::string(text));
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  REQUIRE(crypto::base64url_decode(crypto::base64url_encode(std::string_view(all))) == all);
}

TEST_CASE("base64url decoding is strict", "[crypto]") {
  CHECK_FALSE(crypto::base64url_decode("Zg==").has_value());    // padding
  CHECK_FALSE(crypto::base64url_decode("Zm9v+g").has_value());  // base64 alphabet, not base64url
  CHECK_FALSE(crypto::base64url_decode("Zm9v/g").has_value());
  CHECK_FALSE(crypto::base64url_decode("Zm 9v").has_value());  // whitespace
  CHECK_FALSE(crypto::base64url_decode("Zm9vY").has_value());  // 4n+1 characters
  CHECK_FALSE(crypto::base64url_decode("Zh").has_value());     // non-zero trailing bits
  CHECK_FALSE(crypto::base64url_decode("Zm-").has_value());    // "fo" with trailing bits set
  CHECK_FALSE(crypto::base64url_decode(std::string_view("Zg\0", 3)).has_value());
}

TEST_CASE("SHA-256 hex matches the FIPS 180-2 vectors", "[crypto]") {
  CHECK(crypto::sha256_hex("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(crypto::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("constant_time_equal compares contents and lengths", "[crypto]") {
  CHECK(crypto::constant_time_equal("", ""));
  CHECK(crypto::constant_time_equal("abc", "abc"));
  CHECK_FALSE(crypto::constant_time_equal("abc", "abd"));
  CHECK_FALSE(crypto::constant_time_equal("abc", "ab"));
  CHECK_FALSE(crypto::constant_time_equal("", "a"));
  CHECK_FALSE(
      crypto::constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST_CASE("random UUIDs are version 4, lowercase and distinct", "[crypto]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = crypto::random_uuid_v4();
    REQUIRE(id.size() == 36);
    REQUIRE(id[14] == '4');
    REQUIRE(std::string("89ab").find(id[19]) != std::string::npos);
    REQUIRE(id.find_first_not_of("0123456789abcdef-") == std::string::npos);
    REQUIRE(crypto::is_uuid(id));
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("random_bytes fills the buffer", "[crypto]") {
  std::array<std::uint8_t, 64> a{}, b{};
  crypto::random_bytes(a);
  crypto::random_bytes(b);
  CHECK(a != b);
}

TEST_CASE("is_uuid follows the contract's UUID regex", "[crypto]") {
  CHECK(crypto::is_uuid("e9a6d04e-f35c-4834-b92e-9485620273a1"));
  CHECK(crypto::is_uuid("E9A6D04E-F35C-4834-B92E-9485620273A1"));
  CHECK(crypto::is_uuid("00000000-0000-0000-0000-000000000000"));
  CHECK(crypto::is_uuid("ffffffff-ffff-ffff-ffff-ffffffffffff"));
  CHECK(crypto::is_uuid("11111111-1111-8111-b111-111111111111"));
  CHECK_FALSE(crypto::is_uuid("11111111-1111-0111-8111-111111111111"));  // version 0
  CHECK_FALSE(crypto::is_uuid("11111111-1111-9111-8111-111111111111"));  // version 9
  CHECK_FALSE(crypto::is_uuid("11111111-1111-4111-c111-111111111111"));  // variant c
  CHECK_FALSE(crypto::is_uuid("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"));
  CHECK_FALSE(crypto::is_uuid("e9a6d04ef35c-4834-b92e-9485620273a1-"));
  CHECK_FALSE(crypto::is_uuid("e9a6d04e-f35c-4834-b92e-9485620273a"));
  CHECK_FALSE(crypto::is_uuid("g9a6d04e-f35c-4834-b92e-9485620273a1"));
  CHECK_FALSE(crypto::is_uuid(""));
}
