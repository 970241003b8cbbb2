// Out-of-line anchor for the Store interface.
#include "authkit/store.hpp"

namespace authkit {
inline namespace v1 {

Store::~Store() = default;

}  // namespace v1
}  // namespace authkit
