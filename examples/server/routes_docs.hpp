// /docs.json, /docs and /docs/* (docs/api.md#openapi), gated by DOCS_ENABLED.
#pragma once

#include "http_server.hpp"
#include "server_config.hpp"

namespace authkit::server {

// Call after every other route is added: the document describes the routes present then.
void add_docs_routes(HttpServer& server, const ServerConfig& config);

}  // namespace authkit::server
