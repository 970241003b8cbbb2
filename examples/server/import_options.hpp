// The command line of `authkit-server import-original`: where the original's database is, how
// many users a batch holds, how progress is shown.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <variant>

namespace authkit::server {

inline constexpr const char* kImportUsage =
    R"(Usage: authkit-server import-original --from postgresql://... [OPTIONS]

Copies the users, sessions and refresh tokens of the original service's PostgreSQL database
into the database DATABASE_URL names (migrated first), keeping their ids, password hashes and
token hashes, so that nobody has to log in again (docs/migrating-from-the-original.md). Rows
already copied are skipped: run it again to resume an import cut short. Rows that conflict
with the target are refused, each with its reason. Ends with a summary on stdout.

Exit status: 0 every row copied or skipped, 3 some rows refused (the others are copied),
1 the import failed (what was copied stays; run it again), 2 a usage or configuration error.

Options:
  --from URL           the original's database: postgresql://user[:password]@host[:port]/db
                       (required; read in one read-only snapshot)
  --batch-size N       users per batch, with their sessions and tokens, each batch one
                       transaction: 1-10000 (default 500)
  --progress MODE      auto: a bar on stderr when it is a terminal; lines: a line on stderr
                       per batch; never (default auto)
  --help               print this help and exit

DATABASE_URL and the rest of the configuration come from the environment and .env, as for
`authkit-server serve` (docs/configuration.md).
)";

enum class ProgressMode { kAuto, kLines, kNever };

struct ImportOptions {
  std::string from;
  std::size_t batch_size = 500;
  ProgressMode progress = ProgressMode::kAuto;
  bool help = false;
};

// The options after the word `import-original`, or a message naming what is wrong.
std::variant<ImportOptions, std::string> parse_import_options(std::span<char* const> args);

}  // namespace authkit::server
