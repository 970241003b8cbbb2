// How far `authkit-server import-original` is, on stderr: a bar redrawn in place on a terminal,
// a line per batch when asked (logs, tests), or nothing.
#pragma once

#include <cstdint>
#include <cstdio>

#include "import_options.hpp"

namespace authkit::server {

class ImportProgress {
 public:
  // kAuto draws the bar when `err` is a terminal and shows nothing otherwise.
  ImportProgress(ProgressMode mode, std::FILE* err, std::int64_t total_users);

  // After batch number `batch` (from 1) is committed: `users` users and `rows` rows done so far,
  // in `seconds`.
  void batch_done(std::int64_t batch, std::int64_t users, std::int64_t rows, double seconds);

  // Ends the bar's line, so that what follows starts on a line of its own.
  void finish();

 private:
  enum class Style { kBar, kLines, kNone };
  Style style_;
  std::FILE* err_;
  std::int64_t total_users_;
  bool drawn_ = false;
};

}  // namespace authkit::server
