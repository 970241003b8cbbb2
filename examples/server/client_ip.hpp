// The client's IP address: the socket peer, or X-Forwarded-For within TRUST_PROXY hops
// (docs/api.md#client-ip).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace authkit::server {

// A plain IPv4 or IPv6 address: "::ffff:1.2.3.4" (how a dual-stack socket shows an IPv4 peer)
// becomes "1.2.3.4" (docs/compatibility.md#plain-client-ip). Returns the input unchanged otherwise.
std::string plain_ip(std::string_view address);

// True when `text` is a numeric IPv4 or IPv6 address.
bool is_ip_address(std::string_view text);

// Express's req.ip with `trust proxy` = trust_proxy hops: the socket peer when trust_proxy is 0;
// otherwise walk X-Forwarded-For from the right, trusting `trust_proxy` hops: the n-th entry
// from the right, or the left-most when the list is shorter. An entry that is not an IP address
// ends the walk at the last good address, so a spoofed value cannot reach storage or keys.
std::string client_ip(std::string_view socket_peer, std::string_view forwarded_for,
                      std::int64_t trust_proxy);

}  // namespace authkit::server
