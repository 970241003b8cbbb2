// The original service's tables read through libpq: quoted names, timestamp(3) holding UTC.
#include "original_source.hpp"

#include <libpq-fe.h>
#include <authkit/contract.hpp>

#include <charconv>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "text.hpp"

namespace authkit::server {
namespace {

// A timestamp(3) without time zone holds UTC: its epoch is the instant's, in whole ms.
#define AK_EPOCH_MS(column) "round(extract(epoch FROM " column ") * 1000)::bigint"

// The counts, and the last id of the users' sequence: 0 when it handed out none, or when the
// role may not read it (pg_sequences then shows NULL rather than failing).
constexpr const char* kTotals =
    R"(SELECT (SELECT count(*) FROM "User"), (SELECT count(*) FROM "Session"),
              (SELECT count(*) FROM "RefreshToken"),
              COALESCE((SELECT last_value FROM pg_sequences
                        WHERE quote_ident(schemaname) || '.' || quote_ident(sequencename) =
                              pg_get_serial_sequence('"User"', 'id')), 0))";

constexpr const char* kUsers = R"(SELECT id, name, email, "passwordHash", )" AK_EPOCH_MS(
    R"("createdAt")") ", " AK_EPOCH_MS(R"("updatedAt")") R"( FROM "User" WHERE id > $1::bigint
    ORDER BY id LIMIT $2)";

// Sessions in creation order: the list's tie-break (insertion order) follows it.
constexpr const char* kSessions = R"(SELECT id, "userId", status::text, )" AK_EPOCH_MS(
    R"("createdAt")") ", " AK_EPOCH_MS(R"("updatedAt")") ", " AK_EPOCH_MS(R"("lastSeenAt")") R"(,
    "userAgent", "ipAddress", )" AK_EPOCH_MS(R"("revokedAt")") R"(, "revokeReason", )" AK_EPOCH_MS(R"("compromisedAt")") R"( FROM "Session" WHERE "userId" BETWEEN $1 AND $2
    ORDER BY "createdAt", id)";

constexpr const char* kTokens = R"(SELECT t.id, t."sessionId", t.jti, t."tokenHash",
    t.status::text, )" AK_EPOCH_MS(R"(t."createdAt")") ", " AK_EPOCH_MS(
    R"(t."expiresAt")") ", " AK_EPOCH_MS(R"(t."usedAt")") ", " AK_EPOCH_MS(R"(t."revokedAt")") R"(, t."parentTokenId",
    t."replacedByTokenId" FROM "RefreshToken" t JOIN "Session" s ON s.id = t."sessionId"
    WHERE s."userId" BETWEEN $1 AND $2 ORDER BY t."createdAt", t.id)";

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Whether `url` has one @ at most, and none past its authority. libpq splits a password with
// an unencoded / or @ elsewhere (the rest becomes a port, a host or a database name) and then
// quotes the piece in its message.
bool plain_authority(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return true;  // not a URL: libpq's key=value form
  const auto rest = url.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, authority_end);
  const auto at = authority.find('@');
  if (at != std::string_view::npos && authority.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  return authority_end == std::string_view::npos ||
         rest.find('@', authority_end) == std::string_view::npos;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// One row of a result, read column by column.
class Row {
 public:
  Row(PGresult* result, int row) : result_(result), row_(row) {}

  std::string text() { return std::string(raw()); }
  std::optional<std::string> optional_text() {
    if (!null()) return text();
    ++column_;
    return std::nullopt;
  }
  std::int64_t integer() {
    const std::string_view digits = raw();
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size()) bad_ = true;
    return value;
  }
  TimePoint time() { return TimePoint(Duration(integer())); }
  std::optional<TimePoint> optional_time() {
    if (!null()) return time();
    ++column_;
    return std::nullopt;
  }
  bool bad() const noexcept { return bad_; }
  void mark_bad() noexcept { bad_ = true; }

 private:
  bool null() const { return PQgetisnull(result_, row_, column_) != 0; }
  std::string_view raw() {
    const int column = column_++;
    return {PQgetvalue(result_, row_, column),
            static_cast<std::size_t>(PQgetlength(result_, row_, column))};
  }

  PGresult* result_;
  int row_;
  int column_ = 0;
  bool bad_ = false;
};

User user_from(Row& row) {
  User u;
  u.id = row.integer();
  u.name = row.text();
  // As the original stores it: normalised. A row written by hand otherwise could never log in
  // (docs/compatibility.md#import-emails).
  u.email = normalize_email(row.text());
  u.password_hash = row.text();
  u.created_at = row.time();
  u.updated_at = row.time();
  return u;
}

// The original keeps one device per session, the latest: it becomes the latest activity, and
// the device the session was created from stays unknown (docs/compatibility.md#import).
Session session_from(Row& row) {
  Session s;
  s.id = row.text();
  s.user_id = row.integer();
  const auto status = session_status_from_string(row.text());
  if (status) s.status = *status;
  if (!status) row.mark_bad();
  s.created_at = row.time();
  s.updated_at = row.time();
  s.last_seen_at = row.optional_time();
  s.last_seen_from.user_agent = row.optional_text();
  s.last_seen_from.ip_address = row.optional_text();
  s.revoked_at = row.optional_time();
  s.revoke_reason = row.optional_text();
  s.compromised_at = row.optional_time();
  return s;
}

RefreshToken token_from(Row& row) {
  RefreshToken t;
  t.id = row.text();
  t.session_id = row.text();
  t.jti = row.text();
  t.token_hash = row.text();
  const auto status = refresh_token_status_from_string(row.text());
  if (status) t.status = *status;
  if (!status) row.mark_bad();
  t.created_at = row.time();
  t.expires_at = row.time();
  t.used_at = row.optional_time();
  t.revoked_at = row.optional_time();
  t.parent_token_id = row.optional_text();
  t.replaced_by_token_id = row.optional_text();
  return t;
}

}  // namespace

struct OriginalSource::Connection {
  explicit Connection(PGconn* c) : conn(c) {}
  ~Connection() { PQfinish(conn); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  std::variant<ResultPtr, std::string> query(const char* sql, const std::vector<std::string>& args,
                                             std::string_view what) {
    std::vector<const char*> values;
    values.reserve(args.size());
    for (const auto& a : args) values.push_back(a.c_str());
    ResultPtr result(PQexecParams(conn, sql, static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0),
                     &PQclear);
    const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      return "cannot read " + std::string(what) + " from the original's database: " + error_text();
    }
    return result;
  }

  // libpq's last message, printable, without the URL or its password.
  std::string error_text() const { return escaped(redact(trimmed(PQerrorMessage(conn)), secrets)); }

  PGconn* conn;
  std::vector<std::string> secrets;  // the URL and its password
};

OriginalSource::OriginalSource(std::unique_ptr<Connection> connection)
    : connection_(std::move(connection)) {}

OriginalSource::~OriginalSource() = default;

std::variant<std::unique_ptr<OriginalSource>, std::string> OriginalSource::open(
    const std::string& url) {
  // libpq's messages about a URL it cannot read quote the part it stumbled on, the password
  // included: parse it first, and then say only what to do.
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  PQfreemem(parse_error);
  if (options == nullptr || !plain_authority(url)) {
    PQconninfoFree(options);
    return std::string(
        "--from is not a PostgreSQL URL libpq can read: percent-encode any of @ / % : ? # in "
        "the user name and password (%40 %2F %25 %3A %3F %23), or keep the password in "
        "~/.pgpass");
  }
  std::vector<std::string> secrets{url};
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && std::string_view(o->keyword) == "password")
      secrets.emplace_back(o->val);
  }
  PQconninfoFree(options);

  // UTF-8 whatever the database or PGCLIENTENCODING says (the store takes nothing else), and
  // neither time limit: a long read, and the snapshot idle while each batch is written.
  const char* keys[] = {"dbname",          "connect_timeout", "fallback_application_name",
                        "client_encoding", "options",         nullptr};
  const char* values[] = {url.c_str(),
                          "10",
                          "authkit-import-original",
                          "UTF8",
                          "-c statement_timeout=0 -c idle_in_transaction_session_timeout=0",
                          nullptr};
  auto connection = std::make_unique<Connection>(PQconnectdbParams(keys, values, 1));
  if (connection->conn == nullptr) return std::string("cannot connect: out of memory");
  connection->secrets = std::move(secrets);
  if (PQstatus(connection->conn) != CONNECTION_OK) {
    return "cannot connect to the original's database: " + connection->error_text();
  }
  PQsetNoticeProcessor(
      connection->conn, [](void*, const char*) {}, nullptr);
  // One snapshot for every read.
  auto begun =
      connection->query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", {}, "a snapshot");
  if (auto* problem = std::get_if<std::string>(&begun)) return std::move(*problem);
  return std::unique_ptr<OriginalSource>(new OriginalSource(std::move(connection)));
}

std::variant<OriginalSource::Totals, std::string> OriginalSource::totals() {
  auto result = connection_->query(kTotals, {}, "the row counts");
  if (auto* problem = std::get_if<std::string>(&result)) return std::move(*problem);
  Row row(std::get<ResultPtr>(result).get(), 0);
  Totals totals{row.integer(), row.integer(), row.integer(), row.integer()};
  if (row.bad()) return std::string("the original's row counts are not numbers");
  return totals;
}

std::variant<ImportBatch, std::string> OriginalSource::next_batch(std::size_t users) {
  ImportBatch batch;
  auto read =
      connection_->query(kUsers, {std::to_string(last_user_id_), std::to_string(users)}, "users");
  if (auto* problem = std::get_if<std::string>(&read)) return std::move(*problem);
  PGresult* result = std::get<ResultPtr>(read).get();
  for (int i = 0; i < PQntuples(result); ++i) {
    Row row(result, i);
    batch.users.push_back(user_from(row));
    if (row.bad()) return std::string("a user row of the original's database is not its schema");
  }
  if (batch.users.empty()) return batch;
  const std::vector<std::string> range{std::to_string(batch.users.front().id),
                                       std::to_string(batch.users.back().id)};
  last_user_id_ = batch.users.back().id;

  read = connection_->query(kSessions, range, "sessions");
  if (auto* problem = std::get_if<std::string>(&read)) return std::move(*problem);
  result = std::get<ResultPtr>(read).get();
  for (int i = 0; i < PQntuples(result); ++i) {
    Row row(result, i);
    batch.sessions.push_back(session_from(row));
    if (row.bad()) return std::string("a session row of the original's database is not its schema");
  }

  read = connection_->query(kTokens, range, "refresh tokens");
  if (auto* problem = std::get_if<std::string>(&read)) return std::move(*problem);
  result = std::get<ResultPtr>(read).get();
  for (int i = 0; i < PQntuples(result); ++i) {
    Row row(result, i);
    batch.tokens.push_back(token_from(row));
    if (row.bad()) return std::string("a token row of the original's database is not its schema");
  }
  return batch;
}

}  // namespace authkit::server
