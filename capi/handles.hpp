// The C ABI's opaque handles: each wraps the C++ object it stands for (`rep`), as leveldb's c.cc.
#pragma once

#include <authkit/auth_service.hpp>
#include <authkit/auth_types.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "authkit/authkit.h"

struct ak_config {
  std::map<std::string, std::string, std::less<>> values;
  bool use_environment = false;
};

struct ak_request_context {
  authkit::RequestContext rep;
};

struct ak_service {
  std::unique_ptr<authkit::AuthService> rep;
  // Distinguishes this handle from a later one allocated at the same address, so that a
  // thread's recorded error never leaks to a new handle (see error_slot.cpp).
  std::uint64_t serial = 0;
};
