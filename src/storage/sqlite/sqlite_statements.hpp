// The SQL text of every named statement, in SQLite's dialect.
#pragma once

#include <array>
#include <string_view>

#include "storage/sql/statements.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

const std::array<std::string_view, kStatementCount>& sqlite_statements() noexcept;
std::string_view sqlite_migrations_table_sql() noexcept;

}  // namespace storage
}  // namespace v1
}  // namespace authkit
