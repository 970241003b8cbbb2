// Must NOT compile: the session rules naming a storage backend.
#include "storage/sqlite/sqlite_driver.hpp"
