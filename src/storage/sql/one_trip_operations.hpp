// The store's state changes as one statement each (SqlDriver::one_trip_writes: PostgreSQL, whose
// migrations install the functions they call), so that each costs one round trip
// (docs/benchmarks/postgres-round-trips.md). The outcome is still decided by rotation_rules on
// the rows the statement read under the session's lock; a disagreement is an internal error.
#pragma once

#include <cstdint>
#include <string>

#include "authkit/store.hpp"
#include "storage/sql/sql_driver.hpp"

namespace authkit {
inline namespace v1 {
namespace storage {

Result<RotateResult> rotate_in_one_trip(SqlDriver& driver, const RotateRequest& request,
                                        const std::string& child_id);
// `created` is the session and first token as they will be stored.
Result<void> create_session_in_one_trip(SqlDriver& driver, const CreatedSession& created,
                                        const NewSession& session);
Result<CompromiseResult> compromise_in_one_trip(SqlDriver& driver, std::string_view session_id,
                                                std::string_view token_id, TimePoint now);
Result<bool> revoke_session_in_one_trip(SqlDriver& driver, UserId user_id,
                                        std::string_view session_id, TimePoint now);
Result<RevokeByTokenResult> revoke_by_token_in_one_trip(SqlDriver& driver,
                                                        const RevokeByTokenRequest& request);
Result<std::int64_t> revoke_all_in_one_trip(SqlDriver& driver, UserId user_id, TimePoint now);

}  // namespace storage
}  // namespace v1
}  // namespace authkit
