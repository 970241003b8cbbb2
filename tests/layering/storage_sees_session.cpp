// Must NOT compile: a store including the session rules above it.
#include "authkit/auth_service.hpp"
