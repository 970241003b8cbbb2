// /docs.json, /docs and /docs/* (spec §9.4), gated by DOCS_ENABLED.
#pragma once

#include "http_server.hpp"
#include "server_config.hpp"

namespace authkit::server {

// Call after every other route is added: the document describes the routes present then.
void add_docs_routes(HttpServer& server, const ServerConfig& config);

}  // namespace authkit::server
