// admission_client_key: inet_pton, then the IPv4, IPv4-mapped or IPv6 /64 form.
#include "password/admission_key.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstring>

namespace authkit::detail {

std::optional<std::string> admission_client_key(const std::optional<std::string>& ip_address) {
  if (!ip_address || ip_address->empty()) return std::nullopt;
  const std::string& text = *ip_address;
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    std::array<char, INET_ADDRSTRLEN> out{};
    if (::inet_ntop(AF_INET, &v4, out.data(), out.size()) == nullptr) return text;
    return std::string(out.data());
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    std::memcpy(&v4, &v6.s6_addr[12], sizeof v4);
    std::array<char, INET_ADDRSTRLEN> out{};
    if (::inet_ntop(AF_INET, &v4, out.data(), out.size()) == nullptr) return text;
    return std::string(out.data());
  }
  std::memset(&v6.s6_addr[8], 0, 8);  // keep the /64 prefix
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (::inet_ntop(AF_INET6, &v6, out.data(), out.size()) == nullptr) return text;
  return std::string(out.data()) + "/64";
}

}  // namespace authkit::detail
