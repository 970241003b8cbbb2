// The import's loop: a batch read from the original, copied in one transaction of the target,
// its outcome added to the summary. A batch that fails ends the run; the batches before it stay
// committed, and a second run skips them.
#include "import_original.hpp"

#include <authkit/backends.hpp>
#include <authkit/store_import.hpp>

#include <chrono>
#include <cstdint>
#include <utility>
#include <variant>

#include "app.hpp"
#include "import_progress.hpp"
#include "original_source.hpp"
#include "text.hpp"

namespace authkit::server {
namespace {

// Refusals listed one by one at most; the rest are counted.
constexpr std::size_t kRefusalsListed = 100;

// A batch of thousands of rows is one statement: well past a request's statement_timeout.
StoreOptions import_store_options() {
  StoreOptions options;
  options.pool_size = 1;
  options.statement_timeout = std::chrono::minutes(10);
  return options;
}

void add(ImportTally& total, const ImportTally& batch) {
  total.copied += batch.copied;
  total.skipped += batch.skipped;
  total.refused += batch.refused;
}

std::int64_t rows_of(const ImportBatch& batch) {
  return static_cast<std::int64_t>(batch.users.size() + batch.sessions.size() +
                                   batch.tokens.size());
}

void print_tally(std::FILE* out, const char* kind, const ImportTally& tally) {
  std::fprintf(out, "%s: copied=%lld skipped=%lld refused=%lld\n", kind,
               static_cast<long long>(tally.copied), static_cast<long long>(tally.skipped),
               static_cast<long long>(tally.refused));
}

void print_summary(std::FILE* out, const ImportReport& total, std::int64_t refusals,
                   std::int64_t rows, double seconds) {
  std::fprintf(out, "import-original: done in %.1f s: %lld rows read, %.0f rows/s\n", seconds,
               static_cast<long long>(rows),
               seconds > 0 ? static_cast<double>(rows) / seconds : 0.0);
  print_tally(out, "users", total.users);
  print_tally(out, "sessions", total.sessions);
  print_tally(out, "tokens", total.tokens);
  // Ids come from the source's rows: escaped, they cannot forge a line or colour a terminal.
  for (const auto& refusal : total.refusals) {
    const auto kind = to_string(refusal.kind);
    std::fprintf(out, "refused %.*s %s: %s\n", static_cast<int>(kind.size()), kind.data(),
                 escaped(refusal.id).c_str(), escaped(refusal.reason).c_str());
  }
  const auto unlisted = refusals - static_cast<std::int64_t>(total.refusals.size());
  if (unlisted > 0) std::fprintf(out, "... and %lld more\n", static_cast<long long>(unlisted));
}

}  // namespace

int run_import_original(const ImportOptions& options, const std::string& database_url,
                        std::FILE* out, std::FILE* err) {
  const auto started = std::chrono::steady_clock::now();
  auto target_options = import_store_options();
  target_options.migrate_on_open = true;
  if (auto migrated = open_store(database_url, target_options); !migrated) {
    std::fprintf(err, "authkit-server import-original: cannot open the target database: %s\n",
                 startup_error_text(migrated.error()).c_str());
    return kImportFailed;
  }
  auto importer = open_store_importer(database_url, import_store_options());
  if (!importer) {
    std::fprintf(err, "authkit-server import-original: cannot open the target database: %s\n",
                 startup_error_text(importer.error()).c_str());
    return kImportFailed;
  }
  auto opened = OriginalSource::open(options.from);
  if (auto* problem = std::get_if<std::string>(&opened)) {
    std::fprintf(err, "authkit-server import-original: %s\n", problem->c_str());
    return kImportFailed;
  }
  auto& source = *std::get<std::unique_ptr<OriginalSource>>(opened);
  auto totals = source.totals();
  if (auto* problem = std::get_if<std::string>(&totals)) {
    std::fprintf(err, "authkit-server import-original: %s\n", problem->c_str());
    return kImportFailed;
  }

  const auto& expected = std::get<OriginalSource::Totals>(totals);
  // No id the original handed out (to users deleted since, too) is ever handed out again.
  if (auto reserved = (*importer)->reserve_user_ids(expected.last_user_id); !reserved) {
    std::fprintf(err, "authkit-server import-original: cannot reserve the user ids: %s\n",
                 startup_error_text(reserved.error()).c_str());
    return kImportFailed;
  }
  ImportProgress progress(options.progress, err, expected.users);
  ImportReport total;
  std::int64_t refusals = 0;
  std::int64_t rows = 0;
  std::int64_t sessions = 0;
  std::int64_t tokens = 0;
  std::int64_t users = 0;
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  for (std::int64_t batch_number = 1;; ++batch_number) {
    auto read = source.next_batch(options.batch_size);
    if (auto* problem = std::get_if<std::string>(&read)) {
      progress.finish();
      std::fprintf(err, "authkit-server import-original: %s\n", problem->c_str());
      return kImportFailed;
    }
    const auto& batch = std::get<ImportBatch>(read);
    if (batch.users.empty()) break;
    auto report = (*importer)->import_batch(batch);
    if (!report) {
      progress.finish();
      std::fprintf(err,
                   "authkit-server import-original: batch %lld failed: %s\n"
                   "The batches before it are stored: run the command again to resume.\n",
                   static_cast<long long>(batch_number),
                   startup_error_text(report.error()).c_str());
      return kImportFailed;
    }
    add(total.users, report->users);
    add(total.sessions, report->sessions);
    add(total.tokens, report->tokens);
    refusals += static_cast<std::int64_t>(report->refusals.size());
    for (auto& refusal : report->refusals) {
      if (total.refusals.size() < kRefusalsListed) total.refusals.push_back(std::move(refusal));
    }
    rows += rows_of(batch);
    users += static_cast<std::int64_t>(batch.users.size());
    sessions += static_cast<std::int64_t>(batch.sessions.size());
    tokens += static_cast<std::int64_t>(batch.tokens.size());
    progress.batch_done(batch_number, users, rows, elapsed());
  }
  progress.finish();
  print_summary(out, total, refusals, rows, elapsed());
  // Every row of the snapshot was read, or the import says so rather than leave one behind.
  if (users != expected.users || sessions != expected.sessions || tokens != expected.tokens) {
    std::fprintf(err,
                 "authkit-server import-original: read %lld users, %lld sessions and %lld "
                 "tokens of the %lld, %lld and %lld of the original's database: some rows are "
                 "not where its schema puts them\n",
                 static_cast<long long>(users), static_cast<long long>(sessions),
                 static_cast<long long>(tokens), static_cast<long long>(expected.users),
                 static_cast<long long>(expected.sessions),
                 static_cast<long long>(expected.tokens));
    return kImportFailed;
  }
  return refusals > 0 ? kImportRefusedSome : 0;
}

}  // namespace authkit::server
