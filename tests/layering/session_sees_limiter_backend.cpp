// Must NOT compile: the session rules naming a rate-limiter backend.
#include "ratelimit/memory/memory_rate_limiter.hpp"
