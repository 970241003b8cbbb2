// One-time libsodium initialisation.
#include "crypto/sodium.hpp"

#include <sodium.h>

#include <cstdlib>

namespace authkit::detail {

void ensure_sodium() {
  static const bool initialised = [] {
    if (sodium_init() < 0) std::abort();  // no usable randomness source: refuse to go on
    return true;
  }();
  (void)initialised;
}

}  // namespace authkit::detail
