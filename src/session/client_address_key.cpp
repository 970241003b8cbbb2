// client_address_key: inet_pton, mask, inet_ntop; IPv4-mapped addresses stay single addresses.
#include "session/client_address_key.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace authkit {
inline namespace v1 {
namespace detail {

std::string client_address_key(std::string_view address, int ipv6_prefix_length) {
  // The longest IPv6 text is 45 characters ("ffff:...:255.255.255.255"); anything longer, or
  // without a colon, is not one: keep it as it is.
  if (address.find(':') == std::string_view::npos || address.size() > 45) {
    return std::string(address);
  }
  std::array<char, 46> text{};
  std::memcpy(text.data(), address.data(), address.size());
  std::array<unsigned char, 16> bytes{};
  if (::inet_pton(AF_INET6, text.data(), bytes.data()) != 1) return std::string(address);

  constexpr std::array<unsigned char, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes.begin())) {
    std::array<char, INET_ADDRSTRLEN> v4{};
    ::inet_ntop(AF_INET, bytes.data() + 12, v4.data(), v4.size());
    return {v4.data()};
  }

  const int prefix = std::clamp(ipv6_prefix_length, 0, 128);
  for (int bit = prefix; bit < 128; ++bit) {
    bytes[static_cast<std::size_t>(bit / 8)] &= static_cast<unsigned char>(~(0x80U >> (bit % 8)));
  }
  std::array<char, INET6_ADDRSTRLEN> v6{};
  ::inet_ntop(AF_INET6, bytes.data(), v6.data(), v6.size());
  std::string key(v6.data());
  if (prefix < 128) key += "/" + std::to_string(prefix);
  return key;
}

}  // namespace detail
}  // namespace v1
}  // namespace authkit
