// Must NOT compile: the base layer including a header of the session rules' folder.
#include "session/service_state.hpp"
