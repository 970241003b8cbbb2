// /docs.json, /docs and /docs/* (spec §9.4), gated by DOCS_ENABLED.
#pragma once

#include <authkit/config.hpp>

#include "http_server.hpp"

namespace authkit::server {

// Call after every other route is added: the document describes the routes present then.
void add_docs_routes(HttpServer& server, const Config& config);

}  // namespace authkit::server
