// Must NOT compile: the base layer including the session rules' public header.
#include "authkit/auth_service.hpp"
