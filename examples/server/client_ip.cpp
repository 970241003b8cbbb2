// Client IP resolution with a bounded trust in X-Forwarded-For.
#include "client_ip.hpp"
#include "text.hpp"

#include <arpa/inet.h>

#include <vector>

namespace authkit::server {

bool is_ip_address(std::string_view text) {
  if (text.empty() || text.size() > 45) return false;
  const std::string copy(text);
  unsigned char buffer[16];
  return ::inet_pton(AF_INET, copy.c_str(), buffer) == 1 ||
         ::inet_pton(AF_INET6, copy.c_str(), buffer) == 1;
}

std::string plain_ip(std::string_view address) {
  constexpr std::string_view kMapped = "::ffff:";
  if (address.size() > kMapped.size()) {
    const auto rest = address.substr(kMapped.size());
    unsigned char buffer[4];
    if (lower(address.substr(0, kMapped.size())) == kMapped &&
        ::inet_pton(AF_INET, std::string(rest).c_str(), buffer) == 1) {
      return std::string(rest);
    }
  }
  return std::string(address);
}

std::string client_ip(std::string_view socket_peer, std::string_view forwarded_for,
                      std::int64_t trust_proxy) {
  std::string current = plain_ip(socket_peer);
  if (trust_proxy <= 0 || forwarded_for.empty()) return current;
  // Entries from the right: the nearest proxy's view first.
  std::vector<std::string_view> entries;
  std::size_t end = forwarded_for.size();
  while (true) {
    const auto comma = forwarded_for.rfind(',', end == 0 ? 0 : end - 1);
    const std::size_t begin = comma == std::string_view::npos ? 0 : comma + 1;
    entries.push_back(trim(forwarded_for.substr(begin, end - begin)));
    if (comma == std::string_view::npos) break;
    end = comma;
  }
  std::int64_t hops = 0;
  for (const auto entry : entries) {
    if (hops >= trust_proxy) break;
    if (!is_ip_address(entry)) break;
    current = plain_ip(entry);
    ++hops;
  }
  return current;
}

}  // namespace authkit::server
