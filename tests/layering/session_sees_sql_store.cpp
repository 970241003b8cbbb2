// Must NOT compile: the session rules reaching the SQL store behind the Store interface.
#include "storage/sql/sql_store.hpp"
