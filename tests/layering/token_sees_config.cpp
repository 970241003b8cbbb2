// Must NOT compile: the token layer including the configuration above it.
#include "authkit/config.hpp"
