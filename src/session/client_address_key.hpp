// client_address_key: the key of the per-address request bucket (IPv6 grouped by prefix).
#pragma once

#include <string>
#include <string_view>

namespace authkit {
inline namespace v1 {
namespace detail {

// The bucket key of a client address:
// - IPv4 ("a.b.c.d"): unchanged, one bucket per address;
// - IPv4-mapped IPv6 ("::ffff:a.b.c.d", any spelling): "a.b.c.d", the same bucket as the plain
//   address (it is one IPv4 client, never part of a shared IPv6 prefix);
// - other IPv6: the network of its first `ipv6_prefix_length` bits, canonical text plus the
//   length ("2001:db8:1:2::/64"), so that one subscriber's /64 is one client, not 2^64 of them;
//   at 128, the canonical address alone;
// - anything else (a host name, a zone-scoped "fe80::1%eth0", garbage): unchanged.
// `ipv6_prefix_length` is clamped to 0..128. Cost linear in the input's length.
std::string client_address_key(std::string_view address, int ipv6_prefix_length);

}  // namespace detail
}  // namespace v1
}  // namespace authkit
