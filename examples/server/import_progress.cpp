// The bar is one line rewritten after a carriage return; lines are for readers that are not
// terminals, where a carriage return would only pile up.
#include "import_progress.hpp"

#include <unistd.h>

#include <string>

namespace authkit::server {
namespace {

constexpr int kBarWidth = 30;

int percent(std::int64_t done, std::int64_t total) {
  if (total <= 0) return 100;
  return static_cast<int>(done >= total ? 100 : done * 100 / total);
}

}  // namespace

ImportProgress::ImportProgress(ProgressMode mode, std::FILE* err, std::int64_t total_users)
    : style_(mode == ProgressMode::kLines   ? Style::kLines
             : mode == ProgressMode::kNever ? Style::kNone
             : ::isatty(::fileno(err)) != 0 ? Style::kBar
                                            : Style::kNone),
      err_(err),
      total_users_(total_users) {}

void ImportProgress::batch_done(std::int64_t batch, std::int64_t users, std::int64_t rows,
                                double seconds) {
  const int pct = percent(users, total_users_);
  if (style_ == Style::kLines) {
    std::fprintf(err_, "import-original: batch %lld: users %lld/%lld (%d%%)\n",
                 static_cast<long long>(batch), static_cast<long long>(users),
                 static_cast<long long>(total_users_), pct);
  } else if (style_ == Style::kBar) {
    const int filled = pct * kBarWidth / 100;
    const std::string bar = std::string(static_cast<std::size_t>(filled), '#') +
                            std::string(static_cast<std::size_t>(kBarWidth - filled), '-');
    const double rate = seconds > 0 ? static_cast<double>(rows) / seconds : 0.0;
    std::fprintf(err_, "\rimport-original [%s] %3d%%  users %lld/%lld  %.0f rows/s ", bar.c_str(),
                 pct, static_cast<long long>(users), static_cast<long long>(total_users_), rate);
    drawn_ = true;
  }
  std::fflush(err_);
}

void ImportProgress::finish() {
  if (drawn_) std::fputc('\n', err_);
  drawn_ = false;
}

}  // namespace authkit::server
