// Liveness, readiness and the gated metrics endpoint.
#include "routes_ops.hpp"

#include <authkit/bearer.hpp>
#include <authkit/crypto.hpp>
#include <authkit/json.hpp>
#include <authkit/metrics.hpp>
#include "header_fields.hpp"
#include "json_text.hpp"

namespace authkit::server {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

OperationDoc ops_doc(std::string summary, std::vector<ResponseDoc> responses) {
  OperationDoc doc;
  doc.tag = "Operations";
  doc.summary = std::move(summary);
  doc.responses = std::move(responses);
  return doc;
}

}  // namespace

void add_operational_routes(HttpServer& server, const ServerConfig& config,
                            const OperationalHooks& hooks) {
  server.add({"GET", "/health", ops_doc("Liveness probe", {{200, "Service is alive", {}, false}}),
              [](const httplib::Request&, httplib::Response& res) {
                // Liveness needs nothing opened: no dependency is probed (docs/api.md#health).
                res.set_content(json::health({system_clock()->now()}), kJson);
              }});

  server.add({"GET", "/ready",
              ops_doc("Readiness probe", {{200, "Service is ready", {}, false},
                                          {503, "Dependencies are not ready", {}, false}}),
              [ready = hooks.ready](const httplib::Request&, httplib::Response& res) {
                auto result = ready();
                res.status = result.ready ? 200 : 503;
                res.set_content(result.body, kJson);
              }});

  server.add({"GET", "/metrics",
              ops_doc("Prometheus metrics endpoint",
                      {{200, "Prometheus text exposition for service metrics", {}, true},
                       {401, "Metrics authorization required", Schema::kErrorResponse, false},
                       {404, "Metrics endpoint disabled", {}, false}}),
              [&server, &config, text = hooks.metrics_text](const httplib::Request& req,
                                                            httplib::Response& res) {
                if (!config.metrics_enabled) {
                  res.status = 404;
                  res.set_content(message_body("metrics disabled"), kJson);
                  return;
                }
                if (config.metrics_auth_token) {
                  // Whole: get_header_value() would end the value at a NUL byte.
                  const auto header = first_header_value(req, "Authorization").value_or("");
                  const auto token = extract_bearer_token(header);
                  // Constant time: the scrape token is a secret
                  // (docs/compatibility.md#metrics-constant-time).
                  if (!token || !crypto::constant_time_equal(*token, *config.metrics_auth_token)) {
                    server.send_error(req, res, Error(ErrorCode::kMetricsAuthorizationRequired));
                    return;
                  }
                }
                res.set_header("Cache-Control", "no-store");
                res.set_content(text(), std::string(MetricsRegistry::kContentType));
              }});
}

}  // namespace authkit::server
