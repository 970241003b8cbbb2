// Shutdown signals, taken by a dedicated thread with sigwait (stopping is not signal-safe).
#pragma once

#include <csignal>
#include <string_view>

namespace authkit::server {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts later. Call first
// thing in main(), before any thread exists, so that no thread can take them asynchronously.
void block_shutdown_signals();

// Waits until SIGTERM or SIGINT arrives (they must be blocked); returns the signal number.
int wait_for_shutdown_signal();

// "SIGTERM", "SIGINT", or "signal N".
std::string_view signal_name(int signal) noexcept;

}  // namespace authkit::server
