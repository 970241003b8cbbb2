// One-time libsodium initialisation shared by every component that calls it.
#pragma once

namespace authkit::detail {

// Initialises libsodium once per process (thread-safe, cheap after the first call). Aborts the
// process if libsodium cannot initialise: without a working CSPRNG nothing here is safe.
void ensure_sodium();

}  // namespace authkit::detail
