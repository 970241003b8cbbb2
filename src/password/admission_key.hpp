// The client key under which the password-hashing queue counts a caller's share.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace authkit::detail {

// The queue's key for a client address (RequestContext's ip_address): an IPv4 address is its
// own key, so is an IPv4-mapped IPv6 address ("::ffff:192.0.2.1" is "192.0.2.1"); any other
// IPv6 address is keyed by its /64 ("2001:db8:1:2::/64"), the block one subscriber usually
// holds, so that one client cannot take 2^64 shares. Text that is no IP address (an embedder's
// own label) is its own key. nullopt for no address (absent or empty): such callers are bounded
// by the queue's length only.
std::optional<std::string> admission_client_key(const std::optional<std::string>& ip_address);

}  // namespace authkit::detail
