// The HTML of /docs/: Swagger UI's page, or a plain list of operations without it.
#pragma once

#include <string>

#include "openapi.hpp"

namespace authkit::server {

// Swagger UI's page; it loads ./swagger-ui*.{css,js} and ../docs.json (relative, so a path
// prefix added by a reverse proxy keeps working).
std::string swagger_ui_page();

// The fallback when the build had no npm: every operation of /docs.json, as a table.
std::string operations_page(const OpenApiDocument& document);

}  // namespace authkit::server
