// The OpenAPI document and the Swagger UI (or fallback) pages.
#include "routes_docs.hpp"

#include <memory>

#include "docs_assets.hpp"
#include "docs_page.hpp"
#include "json_text.hpp"
#include "openapi.hpp"

namespace authkit::server {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

bool docs_disabled(const ServerConfig& config, httplib::Response& res) {
  if (config.docs_enabled) return false;
  res.status = 404;
  res.set_content(message_body("docs disabled"), kJson);
  return true;
}

}  // namespace

void add_docs_routes(HttpServer& server, const ServerConfig& config) {
  auto document = std::make_shared<const OpenApiDocument>(server.routes());

  server.add({"GET", "/docs.json", std::nullopt,
              [&config, document](const httplib::Request& req, httplib::Response& res) {
                if (docs_disabled(config, res)) return;
                const auto proto = req.get_header_value("X-Forwarded-Proto");
                const auto forwarded_host = req.get_header_value("X-Forwarded-Host");
                const auto host = req.get_header_value("Host");
                res.set_content(document->render(
                                    {proto, forwarded_host, host, config.trust_proxy, config.port}),
                                kJson);
              }});

  const auto page = swagger_ui_embedded() ? swagger_ui_page() : operations_page(*document);
  server.add({"GET", "/docs", std::nullopt,
              [&config, page](const httplib::Request& req, httplib::Response& res) {
                if (docs_disabled(config, res)) return;
                // The page's relative links need the trailing slash, as the original's 301.
                if (!req.path.ends_with('/')) {
                  res.set_redirect("/docs/", 301);
                  return;
                }
                res.set_content(page, "text/html; charset=utf-8");
              }});

  server.add({"GET", "/docs/{asset}", std::nullopt,
              [&config](const httplib::Request& req, httplib::Response& res) {
                if (docs_disabled(config, res)) return;
                const auto* asset = find_docs_asset(req.matches[1].str());
                if (asset == nullptr) {
                  res.status = 404;  // the error handler sends the JSON envelope
                  return;
                }
                res.set_header("Cache-Control", "public, max-age=3600");
                res.set_content(std::string(asset->bytes), std::string(asset->content_type));
              }});
}

}  // namespace authkit::server
