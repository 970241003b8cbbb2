// The /v1/auth routes (docs/api.md#routes): the server translates, the AuthService decides.
#pragma once

#include <authkit/auth_service.hpp>
#include <memory>

#include "http_server.hpp"

namespace authkit::server {

// `service` is read per request: it may be opened after the routes are added.
void add_auth_routes(HttpServer& server, const std::unique_ptr<AuthService>& service);

}  // namespace authkit::server
