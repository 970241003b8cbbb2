// serve: listen on PORT; on SIGTERM/SIGINT stop accepting, drain, and exit within a deadline.
#include <pthread.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "app.hpp"
#include "signals.hpp"

namespace authkit::server {

int serve(App& app) {
  const ServerConfig& config = app.config();
  if (auto opened = app.open(); !opened) {
    std::fprintf(stderr, "authkit-server: cannot start: %s\n",
                 startup_error_text(opened.error()).c_str());
    return 1;
  }
  if (!app.http().bind()) {
    std::fprintf(stderr, "authkit-server: cannot listen on port %lld\n",
                 static_cast<long long>(config.port));
    return 1;
  }

  std::mutex mutex;
  std::condition_variable done_cv;
  bool listen_returned = false;

  // The periodic purge (PURGE_INTERVAL; 0: none), woken early by the end of listen().
  std::thread purge_thread;
  if (config.purge_interval.count() > 0) {
    purge_thread = std::thread([&] {
      std::unique_lock lock(mutex);
      while (!done_cv.wait_for(lock, config.purge_interval, [&] { return listen_returned; })) {
        lock.unlock();
        if (auto purged = app.purge(); purged) {
          app.logger().log(LogLevel::kInfo, "purge_completed",
                           {{"sessionsDeleted", purged->sessions_deleted},
                            {"tokensDeleted", purged->tokens_deleted}});
        } else {
          app.logger().log(LogLevel::kWarn, "purge_failed",
                           {{"error", std::string(to_string(purged.error().code))}});
        }
        lock.lock();
      }
    });
  }

  // The signal thread: the only one that takes SIGTERM/SIGINT (blocked everywhere by main).
  std::thread signal_thread([&] {
    const int signal = wait_for_shutdown_signal();
    {
      const std::lock_guard lock(mutex);
      if (listen_returned) return;  // woken by main after a listening error
    }
    app.logger().log(LogLevel::kInfo, "server_shutdown_started",
                     {{"signal", std::string(signal_name(signal))}});
    const auto deadline = std::chrono::steady_clock::now() + config.shutdown_timeout;
    std::unique_lock lock(mutex);
    while (!listen_returned) {
      lock.unlock();
      // Stops accepting; listen() returns once the worker pool has finished its requests.
      // Repeated because a stop() before listen() started would do nothing.
      app.http().stop();
      lock.lock();
      if (done_cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return listen_returned; })) {
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        app.logger().log(LogLevel::kWarn, "server_shutdown_timeout",
                         {{"signal", std::string(signal_name(signal))},
                          {"timeoutMs", std::int64_t{config.shutdown_timeout.count()}}});
        std::fflush(stdout);
        // In-flight requests did not finish in time: leave without waiting for them.
        std::_Exit(1);
      }
    }
    lock.unlock();
    app.logger().log(LogLevel::kInfo, "server_shutdown_completed",
                     {{"signal", std::string(signal_name(signal))}});
  });

  app.logger().log(LogLevel::kInfo, "server_started", {{"port", std::int64_t{config.port}}});
  const bool ok = app.http().listen();
  {
    const std::lock_guard lock(mutex);
    listen_returned = true;
  }
  done_cv.notify_all();
  // listen() failed on its own: wake the signal thread (it sees listen_returned and leaves).
  // SIGTERM is blocked in every thread and taken by the signal thread's sigwait(): it wakes it up,
  // it does not terminate anything. NOLINTNEXTLINE(bugprone-bad-signal-to-kill-thread,cert-pos44-c)
  if (!ok) pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  if (purge_thread.joinable()) purge_thread.join();
  if (!ok) {
    std::fprintf(stderr, "authkit-server: the listening socket failed\n");
    return 1;
  }
  return 0;
}

}  // namespace authkit::server
