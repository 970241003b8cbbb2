// The migrations embedded into the library at build time, per backend.
#pragma once

#include <span>
#include <string_view>

namespace authkit {
inline namespace v1 {
namespace storage {

struct EmbeddedMigration {
  int version;            // NNNN of NNNN_name.sql
  std::string_view name;  // name of NNNN_name.sql
  std::string_view sql;   // the file's contents
};

// Ordered by version; generated from migrations/<backend>/*.sql (see embed_migrations.cmake).
using MigrationSet = std::span<const EmbeddedMigration>;

MigrationSet sqlite_migrations() noexcept;
MigrationSet postgres_migrations() noexcept;

}  // namespace storage
}  // namespace v1
}  // namespace authkit
