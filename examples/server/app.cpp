// App construction: every route of the server, registered in one place.
#include "app.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "json_text.hpp"
#include "routes_docs.hpp"
#include "routes_ops.hpp"

namespace authkit::server {
namespace {

// The /ready body of spec §9.2, before the AuthService probes its own dependencies.
Readiness probe(Store* store, const Config& config) {
  nlohmann::ordered_json body;
  const auto timestamp = iso_timestamp(system_clock()->now());
  const bool database_up = store != nullptr && store->ping().ok();
  const char* redis = config.redis_url ? "unknown" : "disabled";
  const bool ready = database_up && !config.redis_url;
  body["status"] = ready ? "ready" : "not_ready";
  body["service"] = "auth-api";
  body["dependencies"] = {{"database", database_up ? "up" : "down"}, {"redis", redis}};
  body["timestamp"] = timestamp;
  return {ready, body.dump()};
}

}  // namespace

App::App(Config config, std::shared_ptr<Logger> logger)
    : config_(std::move(config)), logger_(std::move(logger)), http_(config_, logger_) {
  metrics_
      .gauge("auth_api_runtime_process_start_time_seconds",
             "Start time of the process since unix epoch in seconds.")
      .get()
      .set(static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count()));

  request_duration_ = &metrics_.histogram(
      "auth_api_http_request_duration_seconds", "HTTP request duration in seconds by route.",
      {"method", "route", "status_code"},
      {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5});
  http_.set_request_observer(
      [this](std::string_view method, std::string_view route, int status, double seconds) {
        // HEAD is counted with its GET: same handler, same cost.
        request_duration_
            ->labels({method == "HEAD" ? std::string("GET") : std::string(method),
                      std::string(route), std::to_string(status)})
            .observe(seconds);
      });

  OperationalHooks hooks;
  hooks.ready = [this] {
    const std::lock_guard lock(store_mutex_);
    return probe(store_.get(), config_);
  };
  hooks.metrics_text = [this] { return metrics_.render(); };
  add_operational_routes(http_, config_, std::move(hooks));
  // Last: the document describes every route added before it.
  add_docs_routes(http_, config_);
}

Result<void> App::open_store() {
  StoreOptions options;
  options.logger = logger_;
  options.migrate_on_open = config_.database_url == "sqlite::memory:";
  auto store = authkit::open_store(config_.database_url, options);
  if (!store) return std::move(store).error();
  const std::lock_guard lock(store_mutex_);
  store_ = std::move(*store);
  return {};
}

}  // namespace authkit::server
