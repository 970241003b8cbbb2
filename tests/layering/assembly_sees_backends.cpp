// Must compile: the assembly step is where backends are named. The control case, showing that
// the failures of the other cases come from the layering, not from the way they are built.
#include "authkit/auth_service.hpp"
#include "ratelimit/memory/memory_rate_limiter.hpp"
#include "session/service_state.hpp"
#include "storage/sql/sql_store.hpp"
#include "storage/sqlite/sqlite_driver.hpp"
