// App construction: every route of the server, registered in one place.
#include "app.hpp"

#include <authkit/json.hpp>

#include "routes_auth.hpp"
#include "routes_docs.hpp"
#include "routes_keys.hpp"
#include "routes_ops.hpp"

namespace authkit::server {

App::App(ServerConfig config, std::shared_ptr<JsonLinesSink> sink)
    : config_(std::move(config)), sink_(std::move(sink)), http_(config_, sink_) {
  http_.set_request_observer([this](std::string_view method, std::string_view route, int status,
                                    double seconds) {
    // HEAD is counted with its GET: same handler, same cost.
    service_->observe_request_duration(method == "HEAD" ? "GET" : method, route, status, seconds);
  });

  add_auth_routes(http_, service_);
  OperationalHooks hooks;
  hooks.ready = [this] {
    const auto report = service_->ready();
    return Readiness{report.ready, json::readiness(report)};
  };
  hooks.metrics_text = [this] { return service_->metrics_text(); };
  add_operational_routes(http_, config_, hooks);
  add_key_routes(http_, service_);
  // Last: the document describes every route added before it.
  add_docs_routes(http_, config_);
}

Result<void> App::open() {
  ServiceDependencies deps;
  deps.logger = sink_;
  deps.audit = sink_;
  auto service = AuthService::open(config_.library, std::move(deps));
  if (!service) return std::move(service).error();
  service_ = std::move(*service);
  return {};
}

std::string startup_error_text(const Error& error) {
  if (error.diagnostic.empty() || error.diagnostic == error.message) return error.message;
  return error.message + ": " + error.diagnostic;
}

}  // namespace authkit::server
