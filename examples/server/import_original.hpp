// `authkit-server import-original`: the original service's users, sessions and refresh tokens
// copied into libauthkit's store (docs/migrating-from-the-original.md).
#pragma once

#include <cstdio>
#include <string>

#include "import_options.hpp"

namespace authkit::server {

// Exit statuses besides 0 (everything copied or skipped) and 2 (usage or configuration).
inline constexpr int kImportFailed = 1;
inline constexpr int kImportRefusedSome = 3;

// Imports from `options.from` into `database_url`: the summary on `out`, progress and failures
// on `err`. Returns the exit status.
int run_import_original(const ImportOptions& options, const std::string& database_url,
                        std::FILE* out, std::FILE* err);

}  // namespace authkit::server
