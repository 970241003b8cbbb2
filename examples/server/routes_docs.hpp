// /docs.json, /docs and /docs/* (docs/api.md#openapi), gated by DOCS_ENABLED.
#pragma once

#include <authkit/config.hpp>

#include "http_server.hpp"

namespace authkit::server {

// Call after every other route is added: the document describes the routes present then.
void add_docs_routes(HttpServer& server, const Config& config);

}  // namespace authkit::server
