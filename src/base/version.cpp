// library_version(): the version compiled into the library, as opposed to the header's macro.
#include "authkit/version.hpp"

namespace authkit {
inline namespace v1 {

std::string_view library_version() noexcept { return AUTHKIT_VERSION_STRING; }

}  // namespace v1
}  // namespace authkit
