// JSON texts the server writes itself (the library's json.hpp writes the contract's shapes).
#pragma once

#include <string>
#include <string_view>

namespace authkit::server {

// {"message":"<text>"}: the non-envelope 404 bodies of /metrics and /docs.
std::string message_body(std::string_view text);

}  // namespace authkit::server
