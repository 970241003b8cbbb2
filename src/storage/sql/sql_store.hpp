// SqlStore: the Store operations written once over a SqlDriver (SQLite or PostgreSQL).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "authkit/store.hpp"
#include "storage/sql/sql_driver.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

// Thread-safe (the driver owns the connections).
class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<SqlDriver> driver, StoreOptions options);

  Result<MigrationReport> migrate() override;
  Result<std::vector<int>> pending_migrations() override;
  Result<void> ping() override;
  std::string_view backend_name() const noexcept override;
  bool migrate_on_open() const noexcept { return options_.migrate_on_open; }
  Logger* logger() const noexcept { return options_.logger.get(); }
  // The driver underneath: for tests that must reach the raw database (tampering, checks).
  SqlDriver& driver() noexcept { return *driver_; }

  Result<User> create_user(const NewUser& user) override;
  Result<std::optional<User>> find_user_by_email(std::string_view email) override;
  Result<std::optional<User>> find_user_by_id(UserId id) override;
  Result<void> update_password_hash(UserId id, std::string_view password_hash,
                                    TimePoint now) override;

  Result<CreatedSession> create_session(const NewSession& session) override;
  Result<std::optional<Session>> find_session(std::string_view session_id) override;
  Result<std::optional<SessionWithUser>> find_session_with_user(
      std::string_view session_id) override;
  Result<std::optional<Session>> find_session_for_user(UserId user_id,
                                                       std::string_view session_id) override;
  Result<std::vector<Session>> list_sessions(UserId user_id) override;
  Result<std::optional<RefreshToken>> find_refresh_token(std::string_view jti) override;
  Result<std::vector<RefreshToken>> list_refresh_tokens(std::string_view session_id) override;

  Result<RotateResult> rotate_refresh_token(const RotateRequest& request) override;
  Result<CompromiseResult> compromise_session(std::string_view session_id,
                                              std::string_view token_id, TimePoint now) override;
  Result<bool> revoke_session(UserId user_id, std::string_view session_id, TimePoint now) override;
  Result<RevokeByTokenResult> revoke_session_by_token(const RevokeByTokenRequest& request) override;
  Result<std::int64_t> revoke_all_sessions(UserId user_id, TimePoint now) override;
  Result<PurgeResult> purge(TimePoint now, Duration retention) override;

 private:
  // The versions applied to the database (creating the bookkeeping table if it is missing),
  // after checking each against the embedded set: unknown versions and changed checksums fail.
  Result<std::set<int>> applied_migrations(SqlSession& s, const MigrationSet& set);

  std::unique_ptr<SqlDriver> driver_;
  StoreOptions options_;
  std::vector<std::string> checksums_;  // sha256_hex of each embedded migration, in order
};

}  // namespace storage
}  // namespace v1
}  // namespace authkit
