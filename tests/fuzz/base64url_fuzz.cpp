// Fuzz target: strict base64url (RFC 4648 section 5, no padding). Decoding is strict, so every
// text it accepts is the one encoding of its bytes, and every byte string round-trips.
#include <cstdlib>
#include <string_view>

#include "authkit/crypto.hpp"
#include "fuzz_target.hpp"

using authkit_fuzz::expect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using authkit::crypto::base64url_decode;
  using authkit::crypto::base64url_encode;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The input as text: an accepted text re-encodes to itself.
  if (const auto decoded = base64url_decode(input)) {
    expect(base64url_encode(*decoded) == input, "an accepted text is the encoding of its bytes");
    expect(decoded->size() == input.size() * 3 / 4, "n characters decode to 3n/4 bytes");
  }
  // The input as bytes: the encoding decodes back to them, and has no padding.
  const std::string encoded = base64url_encode(input);
  expect(encoded.find_first_of("=+/") == std::string::npos, "no padding, no +/ alphabet");
  const auto round_trip = base64url_decode(encoded);
  expect(round_trip && *round_trip == input, "bytes round-trip through the encoding");
  return 0;
}

std::vector<std::string> authkit_fuzz::seeds() {
  return {"",
          "Zg",
          "Zm8",
          "Zm9v",
          "Zm9vYg",
          "Zm9vYmE",
          "Zm9vYmFy",
          "-_-_",
          "Zh",
          "Zm9=",
          "Z",
          "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
          std::string("\x00\xff\xfe", 3)};
}
