// /docs/ pages. The fallback escapes everything it prints, though it prints only route data.
#include "docs_page.hpp"

namespace authkit::server {
namespace {

std::string escape_html(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string swagger_ui_page() {
  return R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Swagger UI</title>
<link rel="stylesheet" href="./swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="./swagger-ui-bundle.js"></script>
<script src="./swagger-ui-standalone-preset.js"></script>
<script>
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "../docs.json",
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
  });
};
</script>
</body>
</html>
)";
}

std::string operations_page(const OpenApiDocument& document) {
  std::string html = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Auth API</title>
</head>
<body>
<h1>Auth API</h1>
<p>This build has no Swagger UI (npm was not available). The OpenAPI document is at
<a href="../docs.json">/docs.json</a>.</p>
<table>
<thead><tr><th>Method</th><th>Path</th><th>Summary</th></tr></thead>
<tbody>
)";
  for (const auto& op : document.operations()) {
    html += "<tr class=\"operation\"><td>" + escape_html(op.method) + "</td><td>" +
            escape_html(op.path) + "</td><td>" + escape_html(op.summary) + "</td></tr>\n";
  }
  html += "</tbody>\n</table>\n</body>\n</html>\n";
  return html;
}

}  // namespace authkit::server
