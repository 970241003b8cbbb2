// Swagger UI's files, embedded at build time when npm could fetch swagger-ui-dist.
#pragma once

#include <string_view>

namespace authkit::server {

struct DocsAsset {
  std::string_view name;          // "swagger-ui.css"
  std::string_view content_type;  // "text/css; charset=utf-8"
  std::string_view bytes;
};

// True when the build embedded Swagger UI; false: /docs serves the fallback page.
bool swagger_ui_embedded() noexcept;
// The embedded file called `name`, or nullptr.
const DocsAsset* find_docs_asset(std::string_view name) noexcept;

}  // namespace authkit::server
