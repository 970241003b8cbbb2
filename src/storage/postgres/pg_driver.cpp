// libpq connections (UTC, statement_timeout), prepared statements, pool, transactions, errors.
#include "storage/postgres/pg_driver.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "storage/postgres/pg_statements.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {
namespace {

constexpr std::size_t kDefaultConnections = 8;
constexpr int kMaxAttempts = 3;
// pg_advisory_xact_lock key of migrate(): "authkit" in ASCII, any constant would do.
constexpr const char* kMigrationLockSql = "SELECT pg_advisory_xact_lock(27413465684273524)";

// How an operation's failure may be handled.
enum class Failure {
  kNone,
  kConnectionLost,  // the server went away: retry on a fresh connection (unless at COMMIT)
  kRetryable,       // deadlock or serialization failure: retry the whole transaction
  kDiscard,         // this connection is in a state nothing expects: close it, keep its peers
  kFinal,
};

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

bool starts_with(const char* s, const char* prefix) {
  return s != nullptr && std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

}  // namespace

// One libpq connection and the statements prepared on it. Used by one thread at a time.
class PgConnection final : public SqlSession {
 public:
  PgConnection(PGconn* conn, std::uint64_t generation, std::atomic<std::uint64_t>& round_trips)
      : conn_(conn), generation_(generation), round_trips_(round_trips) {}
  ~PgConnection() override { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  std::uint64_t generation() const { return generation_; }
  Failure last_failure() const { return last_failure_; }
  bool lost() const { return last_failure_ == Failure::kConnectionLost; }
  bool discarded() const { return last_failure_ == Failure::kDiscard; }
  void clear_failure() { last_failure_ = Failure::kNone; }

  // Whether the server closed this idle connection (a restart, a terminated backend). An idle
  // connection has nothing to read, so anything readable is its end. One poll(2), no round trip:
  // a write is never sent on a connection already known dead, where its outcome would be unknown.
  bool peer_closed() const {
    pollfd p{PQsocket(conn_), POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
  }

  // Prepares the statement on this connection the first time it is used here.
  Result<void> prepare(Stmt statement) {
    const auto index = static_cast<std::size_t>(statement);
    if (prepared_.at(index)) return {};
    const std::string sql(postgres_statements()[index]);
    ++round_trips_;
    PgResult r(PQprepare(conn_, statement_name(statement).c_str(), sql.c_str(), 0, nullptr));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return fail(r.get(), "prepare");
    prepared_[index] = true;
    return {};
  }

  Result<SqlResult> exec(Stmt statement, std::span<const SqlParam> params) override {
    AUTHKIT_RETURN_IF_ERROR(prepare(statement));
    const TextParams text(params);
    ++round_trips_;
    PgResult r(PQexecPrepared(conn_, statement_name(statement).c_str(), text.count(), text.values(),
                              nullptr, nullptr, 0));
    return to_sql_result(r.get());
  }

  // Runs each read that has no result yet as a statement of its own, all in one round trip
  // (libpq's pipeline mode), and answers every one. Fails when the connection did, or on a
  // serialization failure, leaving the reads it could not answer for another attempt.
  Result<void> exec_reads(std::span<PendingRead* const> reads) {
    // A failed read aborts the reads after it up to the Sync: they go again in the next pass.
    // Each pass answers at least the first read it sends, so this ends.
    while (std::any_of(reads.begin(), reads.end(), [](const PendingRead* r) { return !r->result; }))
      AUTHKIT_RETURN_IF_ERROR(pipeline_pass(reads));
    return {};
  }

  Result<void> exec_script(std::string_view sql) override {
    const std::string text(sql);
    ++round_trips_;
    PgResult r(PQexec(conn_, text.c_str()));
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return fail(r.get(), "exec");
    return {};
  }

 private:
  // libpq wants parameters as NUL-terminated text (text never holds NUL: checked above us).
  class TextParams {
   public:
    explicit TextParams(std::span<const SqlParam> params)
        : storage_(params.size()), values_(params.size(), nullptr) {
      for (std::size_t i = 0; i < params.size(); ++i) {
        if (const auto* v = std::get_if<std::int64_t>(&params[i])) {
          storage_[i] = std::to_string(*v);
          values_[i] = storage_[i].c_str();
        } else if (const auto* t = std::get_if<std::string_view>(&params[i])) {
          storage_[i] = std::string(*t);
          values_[i] = storage_[i].c_str();
        }
      }
    }
    int count() const { return static_cast<int>(values_.size()); }
    const char* const* values() const { return values_.data(); }

   private:
    std::vector<std::string> storage_;
    std::vector<const char*> values_;  // nullptr for SQL NULL
  };

  static std::string statement_name(Stmt statement) {
    return "ak" + std::to_string(static_cast<std::size_t>(statement));
  }

  Result<SqlResult> to_sql_result(PGresult* r) {
    const auto status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return fail(r, "exec");
    SqlResult out;
    const int rows = PQntuples(r);
    const int cols = PQnfields(r);
    out.rows.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      SqlRow row;
      row.reserve(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(r, i, c)) {
          row.emplace_back(std::monostate{});
          continue;
        }
        const char* v = PQgetvalue(r, i, c);
        switch (PQftype(r, c)) {
          case 20:  // int8
          case 21:  // int2
          case 23:  // int4
            row.emplace_back(std::int64_t{std::strtoll(v, nullptr, 10)});
            break;
          default:
            row.emplace_back(std::string(v, static_cast<std::size_t>(PQgetlength(r, i, c))));
        }
      }
      out.rows.push_back(std::move(row));
    }
    const char* affected = PQcmdTuples(r);
    if (affected != nullptr && *affected != '\0')
      out.affected = std::strtoll(affected, nullptr, 10);
    return out;
  }

  // One pipeline: every unanswered read, then one Sync (several statements, one round trip; in
  // READ COMMITTED each statement still takes its own snapshot). Blocking mode cannot deadlock
  // here: a batch's statements are a few kilobytes at most, so they never fill the socket while
  // the server waits for us to read its results.
  Result<void> pipeline_pass(std::span<PendingRead* const> reads) {
    std::array<PendingRead*, ReadCoalescer::kMaxBatch> in_pipeline{};
    std::size_t sent = 0;
    for (PendingRead* read : reads) {
      if (read->result) continue;
      if (auto prepared = prepare(read->statement); !prepared) {
        if (lost()) return prepared;
        read->result = prepared.error();
      }
    }
    if (PQenterPipelineMode(conn_) != 1) return broken("enter pipeline mode");
    for (PendingRead* read : reads) {
      if (read->result || sent == in_pipeline.size()) continue;
      const TextParams text(read->params);
      if (PQsendQueryPrepared(conn_, statement_name(read->statement).c_str(), text.count(),
                              text.values(), nullptr, nullptr, 0) != 1) {
        return broken("send");
      }
      in_pipeline[sent++] = read;
    }
    if (PQpipelineSync(conn_) != 1) return broken("sync");
    ++round_trips_;
    std::optional<Error> retry;  // a serialization failure (e.g. on a hot standby): sent again
    for (std::size_t i = 0; i < sent; ++i) {
      PgResult r(PQgetResult(conn_));
      if (!r) return broken("missing result");
      const auto status = PQresultStatus(r.get());
      if (status == PGRES_PIPELINE_ABORTED && i == 0) return broken("aborted before any error");
      if (status != PGRES_PIPELINE_ABORTED) {
        auto result = to_sql_result(r.get());
        if (!result && lost()) return result.error();
        if (!result && last_failure_ == Failure::kRetryable) {
          retry = result.error();
        } else {
          in_pipeline[i]->result = std::move(result);
        }
      }
      // Each statement's results end with a null.
      while (PgResult(PQgetResult(conn_))) {
      }
    }
    PgResult sync(PQgetResult(conn_));
    if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) return broken("sync result");
    if (PQexitPipelineMode(conn_) != 1) return broken("exit pipeline mode");
    if (retry) return *std::move(retry);
    return {};
  }

  // The pipeline went where this code does not expect. A dead socket is a lost connection (its
  // peers probably died with it); anything else closes this connection alone.
  Error broken(std::string_view what) {
    Error e = fail(nullptr, std::string("pipeline ") + std::string(what));
    last_failure_ =
        PQstatus(conn_) == CONNECTION_BAD ? Failure::kConnectionLost : Failure::kDiscard;
    return e;
  }

  // Maps a failed result to an Error and remembers how it may be handled. The diagnostic holds
  // the server's primary message and SQLSTATE only: DETAIL may quote values (hashes, emails).
  Error fail(PGresult* r, std::string_view what) {
    const char* sqlstate = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string diag = "postgresql: " + std::string(what) + ": ";
    diag += primary != nullptr ? primary : PQerrorMessage(conn_);
    if (sqlstate != nullptr) diag += std::string(" [") + sqlstate + "]";
    while (!diag.empty() && (diag.back() == '\n' || diag.back() == ' ')) diag.pop_back();

    if (PQstatus(conn_) == CONNECTION_BAD || sqlstate == nullptr || starts_with(sqlstate, "08") ||
        starts_with(sqlstate, "57P")) {
      last_failure_ = Failure::kConnectionLost;
      return Error(ErrorCode::kServiceUnavailable, std::move(diag));
    }
    if (std::strcmp(sqlstate, "40001") == 0 || std::strcmp(sqlstate, "40P01") == 0) {
      last_failure_ = Failure::kRetryable;
      return Error(ErrorCode::kServiceUnavailable, std::move(diag));
    }
    last_failure_ = Failure::kFinal;
    if (std::strcmp(sqlstate, "23505") == 0) {
      const char* constraint = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
      if (constraint != nullptr && std::strcmp(constraint, "users_email_key") == 0) {
        return Error(ErrorCode::kUserAlreadyExists, std::move(diag));
      }
    }
    // statement_timeout, too many connections, out of disk or memory: the database is the
    // problem, not the request.
    if (std::strcmp(sqlstate, "57014") == 0 || starts_with(sqlstate, "53")) {
      return Error(ErrorCode::kServiceUnavailable, std::move(diag));
    }
    // Data exceptions (invalid UTF-8, ...) come from what the client sent.
    if (starts_with(sqlstate, "22")) return Error(ErrorCode::kInvalidPayload, std::move(diag));
    return Error(ErrorCode::kInternalServerError, std::move(diag));
  }

  PGconn* conn_;
  std::uint64_t generation_;
  std::array<bool, kStatementCount> prepared_{};
  std::atomic<std::uint64_t>& round_trips_;
  Failure last_failure_ = Failure::kNone;
};

struct PgDriver::Returned {
  PgDriver* driver;
  std::unique_ptr<PgConnection> conn;
  Returned(PgDriver* d, std::unique_ptr<PgConnection> c) : driver(d), conn(std::move(c)) {}
  ~Returned() {
    if (conn) driver->release(std::move(conn));
  }
  Returned(const Returned&) = delete;
  Returned& operator=(const Returned&) = delete;
  PgConnection* operator->() const { return conn.get(); }
  PgConnection& operator*() const { return *conn; }
};

PgDriver::PgDriver(std::string url, const StoreOptions& options)
    : url_(std::move(url)),
      options_(options),
      max_connections_(options.pool_size == 0 ? kDefaultConnections : options.pool_size),
      migrations_(postgres_migrations()) {
  if (options.read_coalescing) {
    reads_ = std::make_unique<ReadCoalescer>(
        max_connections_, options.read_coalescing_patience,
        std::chrono::duration_cast<std::chrono::milliseconds>(options.acquire_timeout),
        [this](std::span<PendingRead* const> reads) { run_reads(reads); });
  }
}

PgDriver::~PgDriver() = default;

std::string_view PgDriver::migrations_table_sql() const noexcept {
  return postgres_migrations_table_sql();
}

Result<std::unique_ptr<PgDriver>> PgDriver::open(std::string url, const StoreOptions& options) {
  std::unique_ptr<PgDriver> driver(new PgDriver(std::move(url), options));
  auto first = driver->acquire();
  if (!first) return first.error();
  driver->release(std::move(*first));
  return driver;
}

Result<std::unique_ptr<PgConnection>> PgDriver::connect(std::uint64_t generation) {
  // libpq counts connect_timeout in whole seconds (and treats 1 as 2).
  const auto ms = options_.connect_timeout.count();
  const std::string timeout = std::to_string(ms <= 0 ? 0 : (ms + 999) / 1000);
  // Later keywords override what the URL says; the URL's own options (search_path...) stay.
  const char* keys[] = {"dbname", "connect_timeout", "fallback_application_name", nullptr};
  const char* values[] = {url_.c_str(), timeout.c_str(), "libauthkit", nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, 1);
  if (raw == nullptr) return Error(ErrorCode::kServiceUnavailable, "postgresql: out of memory");
  auto conn = std::make_unique<PgConnection>(raw, generation, round_trips_);
  // libpq prints server notices to stderr by default; the library never prints on its own.
  PQsetNoticeProcessor(
      raw, [](void*, const char*) {}, nullptr);
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string diag = std::string("postgresql: connect: ") + PQerrorMessage(raw);
    while (!diag.empty() && (diag.back() == '\n' || diag.back() == ' ')) diag.pop_back();
    return Error(ErrorCode::kServiceUnavailable, std::move(diag));
  }
  // Every pooled connection reads and writes timestamptz in UTC, and no statement hangs forever.
  const std::string setup = "SET TIME ZONE 'UTC'; SET statement_timeout = " +
                            std::to_string(options_.statement_timeout.count());
  AUTHKIT_RETURN_IF_ERROR(conn->exec_script(setup));
  return conn;
}

Result<std::unique_ptr<PgConnection>> PgDriver::acquire() {
  std::uint64_t generation = 0;
  {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
    for (;;) {
      // Connections older than the last loss are presumed dead with their server.
      while (!idle_.empty() && idle_.back()->generation() < generation_) {
        idle_.pop_back();
        --open_count_;
      }
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        if (!conn->peer_closed()) return conn;
        --open_count_;  // closed by the server while idle: the next one, or a fresh one
        continue;
      }
      if (open_count_ < max_connections_) break;
      if (available_.wait_until(lock, deadline) == std::cv_status::timeout) {
        bool usable = open_count_ < max_connections_;
        for (const auto& c : idle_) usable = usable || c->generation() >= generation_;
        if (!usable) {
          return Error(ErrorCode::kServiceUnavailable,
                       "postgresql: no pooled connection free within the acquire timeout");
        }
      }
    }
    ++open_count_;
    generation = generation_;
  }
  auto conn = connect(generation);
  if (!conn) {
    std::lock_guard lock(mutex_);
    --open_count_;
    available_.notify_one();
  }
  return conn;
}

void PgDriver::release(std::unique_ptr<PgConnection> conn) {
  if (conn->lost() && options_.logger) {
    options_.logger->log(LogLevel::kWarn, "store_connection_lost",
                         {{"backend", std::string("postgresql")}});
  }
  std::lock_guard lock(mutex_);
  if (conn->lost()) {
    // Its peers probably died the same way (a server restart): retire them all.
    if (conn->generation() >= generation_) generation_ = conn->generation() + 1;
    conn.reset();
    --open_count_;
    available_.notify_all();
    return;
  }
  if (conn->discarded() || conn->generation() < generation_) {
    conn.reset();
    --open_count_;
  } else {
    conn->clear_failure();
    idle_.push_back(std::move(conn));
  }
  available_.notify_one();
}

Result<void> PgDriver::run(TxKind kind, const std::function<Result<void>(SqlSession&)>& body) {
  for (int attempt = 1;; ++attempt) {
    auto acquired = acquire();
    if (!acquired) return acquired.error();
    Returned holder{this, std::move(*acquired)};
    PgConnection& conn = *holder;
    const bool transaction = kind != TxKind::kRead;

    auto result = [&]() -> Result<void> {
      if (transaction) AUTHKIT_RETURN_IF_ERROR(conn.exec_script("BEGIN"));
      if (kind == TxKind::kMigration) AUTHKIT_RETURN_IF_ERROR(conn.exec_script(kMigrationLockSql));
      try {
        return body(conn);
      } catch (...) {
        if (!conn.lost()) (void)conn.exec_script("ROLLBACK");
        throw;
      }
    }();
    if (!result) {
      const Failure failure = conn.last_failure();
      if (transaction && failure != Failure::kConnectionLost) (void)conn.exec_script("ROLLBACK");
      if ((failure == Failure::kConnectionLost || failure == Failure::kRetryable) &&
          attempt < kMaxAttempts) {
        continue;  // nothing was committed: run the whole operation again
      }
      return result;
    }
    if (!transaction) return {};
    auto committed = conn.exec_script("COMMIT");
    if (committed) return {};
    // A lost connection at COMMIT leaves the outcome unknown: report it rather than redo it.
    if (conn.last_failure() == Failure::kRetryable && attempt < kMaxAttempts) continue;
    return committed;
  }
}

Result<SqlResult> PgDriver::write(Stmt statement, std::span<const SqlParam> params) {
  for (int attempt = 1;; ++attempt) {
    auto acquired = acquire();
    if (!acquired) return acquired.error();
    Returned holder{this, std::move(*acquired)};
    PgConnection& conn = *holder;
    // A connection lost while preparing never saw the write: that one is safe to repeat.
    if (auto prepared = conn.prepare(statement); !prepared) {
      if (conn.lost() && attempt < kMaxAttempts) continue;
      return prepared.error();
    }
    auto result = conn.exec(statement, params);
    if (result) return result;
    // A deadlock or serialization failure rolled the statement back as a whole: run it again.
    // A lost connection leaves the outcome unknown, as at a COMMIT: report it rather than redo it.
    if (conn.last_failure() == Failure::kRetryable && attempt < kMaxAttempts) continue;
    return result;
  }
}

Result<SqlResult> PgDriver::read(Stmt statement, std::span<const SqlParam> params) {
  if (!reads_) return SqlDriver::read(statement, params);  // a pooled connection of its own
  return reads_->read(statement, params);
}

void PgDriver::run_reads(std::span<PendingRead* const> reads) {
  const auto fail_unanswered = [&](const Error& error) {
    for (PendingRead* read : reads)
      if (!read->result) read->result = error;
  };
  for (int attempt = 1;; ++attempt) {
    auto acquired = acquire();
    if (!acquired) return fail_unanswered(acquired.error());
    auto done = Result<void>();
    {
      Returned conn{this, std::move(*acquired)};
      done = conn->exec_reads(reads);
    }
    if (done) return;
    // A lost connection or a serialization failure: the unanswered reads go again.
    if (attempt == kMaxAttempts) return fail_unanswered(done.error());
  }
}

}  // namespace storage
}  // namespace v1
}  // namespace authkit
