// OriginalSource: reads a database of the original service (its schema:
// docs/migrating-from-the-original.md) in batches of users with their sessions and refresh
// tokens, as the library's records, for `authkit-server import-original`.
#pragma once

#include <authkit/store_import.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <variant>

namespace authkit::server {

class OriginalSource {
 public:
  struct Totals {
    std::int64_t users = 0;
    std::int64_t sessions = 0;
    std::int64_t tokens = 0;
    std::int64_t last_user_id = 0;  // 0: none handed out yet
  };

  // Connects to the PostgreSQL database `url` names and starts one read-only snapshot, so that
  // every batch sees the database as it was at this moment. The message of a failure never
  // holds the URL (it may carry a password).
  static std::variant<std::unique_ptr<OriginalSource>, std::string> open(const std::string& url);
  ~OriginalSource();
  OriginalSource(const OriginalSource&) = delete;
  OriginalSource& operator=(const OriginalSource&) = delete;

  // How many rows of each kind the snapshot holds, and the last user id the original's
  // sequence handed out (deleted users included).
  std::variant<Totals, std::string> totals();

  // The next `users` users in id order with all their sessions and tokens; an empty batch at
  // the end. A string: what went wrong.
  std::variant<ImportBatch, std::string> next_batch(std::size_t users);

 private:
  struct Connection;
  explicit OriginalSource(std::unique_ptr<Connection> connection);
  std::unique_ptr<Connection> connection_;
  // Below every id: SERIAL hands out ids from 1, but a row may have been written by hand.
  std::int64_t last_user_id_ = std::numeric_limits<std::int64_t>::min();
};

}  // namespace authkit::server
