// SqlImporter: StoreImporter over a SqlDriver, a batch in one transaction of a few statements
// (one lookup and one insert per kind of row, whatever the batch's size).
#pragma once

#include <memory>

#include "authkit/store_import.hpp"
#include "storage/sql/sql_driver.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

class SqlImporter final : public StoreImporter {
 public:
  explicit SqlImporter(std::unique_ptr<SqlDriver> driver);
  Result<ImportReport> import_batch(const ImportBatch& batch) override;
  Result<void> reserve_user_ids(UserId last) override;

 private:
  std::unique_ptr<SqlDriver> driver_;
};

}  // namespace storage
}  // namespace v1
}  // namespace authkit
