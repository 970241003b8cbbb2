// SqlDriver's default read and write: one statement on a connection of its own.
#include "storage/sql/sql_driver.hpp"

#include <optional>
#include <utility>

namespace authkit {
inline namespace v1 {
namespace storage {

Result<SqlResult> SqlDriver::read(Stmt statement, std::span<const SqlParam> params) {
  std::optional<Result<SqlResult>> out;
  auto r = run(TxKind::kRead, [&](SqlSession& s) -> Result<void> {
    out = s.exec(statement, params);
    if (!*out) return out->error();
    return {};
  });
  if (!r) return r.error();
  return std::move(*out);
}

Result<SqlResult> SqlDriver::write(Stmt statement, std::span<const SqlParam> params) {
  std::optional<Result<SqlResult>> out;
  auto r = run(TxKind::kWrite, [&](SqlSession& s) -> Result<void> {
    out = s.exec(statement, params);
    if (!*out) return out->error();
    return {};
  });
  if (!r) return r.error();
  return std::move(*out);
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
