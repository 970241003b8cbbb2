// GET /.well-known/jwks.json (docs/api.md#jwks): the public keys of the access tokens, for other
// services to verify them without holding a secret.
#pragma once

#include <authkit/auth_service.hpp>
#include <memory>

#include "http_server.hpp"

namespace authkit::server {

// How long a verifier may cache the key set (Cache-Control max-age). The key rotation procedure
// waits at least this long between publishing the next key and signing with it
// (docs/operations/key-rotation.md).
inline constexpr int kJwksMaxAgeSeconds = 300;

// `service` is read per request: it may be opened after the routes are added.
void add_key_routes(HttpServer& server, const std::unique_ptr<AuthService>& service);

}  // namespace authkit::server
