// SQLite connections (WAL, foreign keys, busy_timeout), statement cache, transactions, errors.
#include "storage/sqlite/sqlite_driver.hpp"

#include <sqlite3.h>

#include <array>
#include <chrono>

#include "authkit/crypto.hpp"
#include "storage/sqlite/sqlite_statements.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {
namespace {

constexpr std::size_t kDefaultConnections = 8;

bool is_unavailable(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  const std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string diag = "sqlite: " + std::string(what) + ": " + msg;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    if (msg.find("users.email") != std::string::npos) {
      return Error(ErrorCode::kUserAlreadyExists, std::move(diag));
    }
  }
  if (is_unavailable(rc)) return Error(ErrorCode::kServiceUnavailable, std::move(diag));
  return Error(ErrorCode::kInternalServerError, std::move(diag));
}

}  // namespace

// One sqlite3 handle and its prepared statements. Used by one thread at a time.
class SqliteConnection final : public SqlSession {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto* s : statements_) sqlite3_finalize(s);  // NULL is a no-op
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  sqlite3* handle() const { return db_; }

  Result<SqlResult> exec(Stmt statement, std::span<const SqlParam> params) override {
    const auto index = static_cast<std::size_t>(statement);
    sqlite3_stmt*& stmt = statements_.at(index);
    if (stmt == nullptr) {
      const std::string_view sql = sqlite_statements()[index];
      const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) {
        stmt = nullptr;
        return sqlite_error(db_, rc, "prepare");
      }
    }
    // Reset on every exit, so that the statement never holds a read transaction open.
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      if (const auto* v = std::get_if<std::int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(stmt, at, *v);
      } else if (const auto* t = std::get_if<std::string_view>(&params[i])) {
        rc = sqlite3_bind_text64(stmt, at, t->data(), t->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(stmt, at);
      }
      if (rc != SQLITE_OK) return sqlite_error(db_, rc, "bind");
    }
    SqlResult out;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return sqlite_error(db_, sqlite3_extended_errcode(db_), "step");
      const int n = sqlite3_column_count(stmt);
      SqlRow row;
      row.reserve(static_cast<std::size_t>(n));
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            row.emplace_back(std::monostate{});
            break;
          case SQLITE_INTEGER:
          case SQLITE_FLOAT:
            row.emplace_back(std::int64_t{sqlite3_column_int64(stmt, c)});
            break;
          default: {
            const auto* text = sqlite3_column_text(stmt, c);
            const int len = sqlite3_column_bytes(stmt, c);
            row.emplace_back(
                std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(len)));
          }
        }
      }
      out.rows.push_back(std::move(row));
    }
    if (!sqlite3_stmt_readonly(stmt)) out.affected = sqlite3_changes64(db_);
    return out;
  }

  Result<void> exec_script(std::string_view sql) override {
    const std::string text(sql);  // sqlite3_exec wants a NUL-terminated string
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      sqlite3_free(message);
      return sqlite_error(db_, sqlite3_extended_errcode(db_), "exec");
    }
    return {};
  }

 private:
  sqlite3* db_;
  std::array<sqlite3_stmt*, kStatementCount> statements_{};
};

SqliteDriver::SqliteDriver(std::string target, bool memory, const StoreOptions& options)
    : target_(std::move(target)),
      memory_(memory),
      options_(options),
      max_connections_(options.pool_size == 0 ? kDefaultConnections : options.pool_size),
      migrations_(sqlite_migrations()) {}

SqliteDriver::~SqliteDriver() = default;

std::string_view SqliteDriver::migrations_table_sql() const noexcept {
  return sqlite_migrations_table_sql();
}

Result<std::unique_ptr<SqliteDriver>> SqliteDriver::open(std::string path,
                                                         const StoreOptions& options) {
  const bool memory = path.empty();
  // memdb: a database named "/..." is shared by every connection of the process that opens
  // the same name, and lives as long as one of them is open. The random name keeps it private.
  std::string target =
      memory ? "file:/authkit-" + crypto::random_uuid_v4() + "?vfs=memdb" : std::move(path);
  std::unique_ptr<SqliteDriver> driver(new SqliteDriver(std::move(target), memory, options));
  // Open one connection now: a bad path fails here, and the memdb database exists from now on.
  auto first = driver->acquire();
  if (!first) return first.error();
  driver->release(std::move(*first));
  return driver;
}

Result<std::unique_ptr<SqliteConnection>> SqliteDriver::acquire() {
  {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
    while (idle_.empty() && open_count_ >= max_connections_) {
      if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_count_ >= max_connections_) {
        return Error(ErrorCode::kServiceUnavailable, "sqlite: no free connection in time");
      }
    }
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_count_;
  }
  // Opened outside the lock; on failure give the slot back.
  auto fail = [this](Error e) -> Result<std::unique_ptr<SqliteConnection>> {
    std::lock_guard lock(mutex_);
    --open_count_;
    available_.notify_one();
    return e;
  };
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (memory_) flags |= SQLITE_OPEN_URI;
  const int rc = sqlite3_open_v2(target_.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(db, rc, "open");
    e.code = ErrorCode::kServiceUnavailable;
    sqlite3_close_v2(db);
    return fail(std::move(e));
  }
  auto conn = std::make_unique<SqliteConnection>(db);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(options_.busy_timeout.count()));
  std::string setup = "PRAGMA foreign_keys = ON;";
  // WAL lets readers run while a writer commits; memdb has no WAL (and needs none to be safe).
  if (!memory_) setup += "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
  auto ok = conn->exec_script(setup);
  if (!ok) return fail(std::move(ok).error());
  return conn;
}

void SqliteDriver::release(std::unique_ptr<SqliteConnection> conn) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(conn));
  available_.notify_one();
}

Result<void> SqliteDriver::run(TxKind kind, const std::function<Result<void>(SqlSession&)>& body) {
  auto acquired = acquire();
  if (!acquired) return acquired.error();
  // Back to the pool on every exit, exceptions included.
  struct Return {
    SqliteDriver* driver;
    std::unique_ptr<SqliteConnection> conn;
    ~Return() {
      if (conn) driver->release(std::move(conn));
    }
  } holder{this, std::move(*acquired)};
  SqliteConnection& conn = *holder.conn;
  if (kind == TxKind::kRead) return body(conn);

  std::unique_lock write_lock(write_mutex_);
  AUTHKIT_RETURN_IF_ERROR(conn.exec_script("BEGIN IMMEDIATE"));
  Result<void> result = [&]() -> Result<void> {
    try {
      return body(conn);
    } catch (...) {
      (void)conn.exec_script("ROLLBACK");
      throw;
    }
  }();
  if (!result) {
    (void)conn.exec_script("ROLLBACK");
    return result;
  }
  auto committed = conn.exec_script("COMMIT");
  if (!committed) {
    if (!sqlite3_get_autocommit(conn.handle())) (void)conn.exec_script("ROLLBACK");
    return committed;
  }
  return {};
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
