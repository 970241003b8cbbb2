// open_store and open_store_importer: pick the backend from the database URL's scheme.
#include "authkit/backends.hpp"
#include "authkit/store.hpp"
#include "base/catch_all.hpp"
#include "storage/sql/sql_importer.hpp"
#include "storage/sql/sql_store.hpp"
#include "storage/sqlite/sqlite_driver.hpp"
#if defined(AUTHKIT_WITH_POSTGRES)
#include "storage/postgres/pg_driver.hpp"
#endif

namespace authkit {
inline namespace v1 {
namespace {

constexpr std::string_view kSqliteMemory = "sqlite::memory:";
constexpr std::string_view kSqlitePrefix = "sqlite://";

Error bad_url(std::string diagnostic) {
  Error e(ErrorCode::kInvalidConfiguration, std::move(diagnostic));
  e.details.push_back({"DATABASE_URL", e.diagnostic});
  return e;
}

// The scheme only: the rest of a URL may carry a password.
std::string scheme_of(std::string_view url) {
  const auto colon = url.find(':');
  return std::string(colon == std::string_view::npos ? std::string_view("(none)")
                                                     : url.substr(0, colon));
}

Result<std::unique_ptr<storage::SqlDriver>> open_driver(std::string_view url,
                                                        const StoreOptions& options) {
  if (url == kSqliteMemory) {
    auto d = storage::SqliteDriver::open(std::string(), options);
    if (!d) return d.error();
    return std::unique_ptr<storage::SqlDriver>(std::move(*d));
  }
  if (url.starts_with(kSqlitePrefix)) {
    std::string path(url.substr(kSqlitePrefix.size()));
    if (path.empty()) return bad_url("database URL sqlite:// names no file");
    auto d = storage::SqliteDriver::open(std::move(path), options);
    if (!d) return d.error();
    return std::unique_ptr<storage::SqlDriver>(std::move(*d));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
#if defined(AUTHKIT_WITH_POSTGRES)
    auto d = storage::PgDriver::open(std::string(url), options);
    if (!d) return d.error();
    return std::unique_ptr<storage::SqlDriver>(std::move(*d));
#else
    return bad_url("this libauthkit was built without PostgreSQL (AUTHKIT_WITH_POSTGRES=OFF)");
#endif
  }
  return bad_url("unsupported database URL scheme '" + scheme_of(url) +
                 "': use sqlite:///path, sqlite::memory: or postgresql://");
}

}  // namespace

Result<std::unique_ptr<Store>> open_store(std::string_view database_url, StoreOptions options) {
  return catch_all(
      [&]() -> Result<std::unique_ptr<Store>> {
        auto driver = open_driver(database_url, options);
        if (!driver) return driver.error();
        auto store = std::make_unique<storage::SqlStore>(std::move(*driver), std::move(options));
        if (store->migrate_on_open()) {
          auto migrated = store->migrate();
          if (!migrated) return migrated.error();
          // A schema change at start-up is worth a line in the operator's log.
          if (!migrated->applied.empty() && store->logger()) {
            store->logger()->log(LogLevel::kInfo, "migrations_applied",
                                 {{"count", static_cast<std::int64_t>(migrated->applied.size())},
                                  {"currentVersion", std::int64_t{migrated->current_version}}});
          }
        }
        return std::unique_ptr<Store>(std::move(store));
      },
      "storage: ");
}

Result<std::unique_ptr<StoreImporter>> open_store_importer(std::string_view database_url,
                                                           StoreOptions options) {
  return catch_all(
      [&]() -> Result<std::unique_ptr<StoreImporter>> {
        auto driver = open_driver(database_url, options);
        if (!driver) return driver.error();
        return std::unique_ptr<StoreImporter>(
            std::make_unique<storage::SqlImporter>(std::move(*driver)));
      },
      "storage: ");
}

}  // namespace v1
}  // namespace authkit
