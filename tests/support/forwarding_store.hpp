// A Store that forwards every operation to another: tests derive from it and override the one
// operation whose behaviour they change (a database that stops answering, a store of the
// embedding program's that returns less than the library's own).
#pragma once

#include <memory>
#include <utility>

#include "authkit/store.hpp"

namespace authkit_test {

class ForwardingStore : public authkit::Store {
 public:
  explicit ForwardingStore(std::shared_ptr<authkit::Store> inner) : inner_(std::move(inner)) {}

  authkit::Result<authkit::MigrationReport> migrate() override { return inner_->migrate(); }
  authkit::Result<std::vector<int>> pending_migrations() override {
    return inner_->pending_migrations();
  }
  authkit::Result<void> ping() override { return inner_->ping(); }
  std::string_view backend_name() const noexcept override { return inner_->backend_name(); }
  authkit::Result<authkit::User> create_user(const authkit::NewUser& u) override {
    return inner_->create_user(u);
  }
  authkit::Result<std::optional<authkit::User>> find_user_by_email(std::string_view e) override {
    return inner_->find_user_by_email(e);
  }
  authkit::Result<std::optional<authkit::User>> find_user_by_id(authkit::UserId id) override {
    return inner_->find_user_by_id(id);
  }
  authkit::Result<void> update_password_hash(authkit::UserId id, std::string_view h,
                                             authkit::TimePoint now) override {
    return inner_->update_password_hash(id, h, now);
  }
  authkit::Result<authkit::CreatedSession> create_session(const authkit::NewSession& s) override {
    return inner_->create_session(s);
  }
  authkit::Result<std::optional<authkit::Session>> find_session(std::string_view id) override {
    return inner_->find_session(id);
  }
  authkit::Result<std::optional<authkit::SessionWithUser>> find_session_with_user(
      std::string_view id) override {
    return inner_->find_session_with_user(id);
  }
  authkit::Result<std::optional<authkit::Session>> find_session_for_user(
      authkit::UserId u, std::string_view id) override {
    return inner_->find_session_for_user(u, id);
  }
  authkit::Result<std::vector<authkit::Session>> list_sessions(authkit::UserId u) override {
    return inner_->list_sessions(u);
  }
  authkit::Result<std::optional<authkit::RefreshToken>> find_refresh_token(
      std::string_view jti) override {
    return inner_->find_refresh_token(jti);
  }
  authkit::Result<std::vector<authkit::RefreshToken>> list_refresh_tokens(
      std::string_view id) override {
    return inner_->list_refresh_tokens(id);
  }
  authkit::Result<authkit::RotateResult> rotate_refresh_token(
      const authkit::RotateRequest& r) override {
    return inner_->rotate_refresh_token(r);
  }
  authkit::Result<authkit::CompromiseResult> compromise_session(std::string_view s,
                                                                std::string_view t,
                                                                authkit::TimePoint now) override {
    return inner_->compromise_session(s, t, now);
  }
  authkit::Result<bool> revoke_session(authkit::UserId u, std::string_view s,
                                       authkit::TimePoint now) override {
    return inner_->revoke_session(u, s, now);
  }
  authkit::Result<authkit::RevokeByTokenResult> revoke_session_by_token(
      const authkit::RevokeByTokenRequest& r) override {
    return inner_->revoke_session_by_token(r);
  }
  authkit::Result<std::int64_t> revoke_all_sessions(authkit::UserId u,
                                                    authkit::TimePoint now) override {
    return inner_->revoke_all_sessions(u, now);
  }
  authkit::Result<authkit::PurgeResult> purge(authkit::TimePoint now,
                                              authkit::Duration retention) override {
    return inner_->purge(now, retention);
  }

 private:
  std::shared_ptr<authkit::Store> inner_;
};

}  // namespace authkit_test
