// Out-of-line anchor for the Logger interface.
#include "authkit/logger.hpp"

namespace authkit {
inline namespace v1 {

Logger::~Logger() = default;

}  // namespace v1
}  // namespace authkit
