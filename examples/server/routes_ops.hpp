// /health, /ready and /metrics (docs/api.md#operational-endpoints), behind hooks the AuthService
// will fill.
#pragma once

#include <functional>
#include <string>

#include "http_server.hpp"
#include "server_config.hpp"

namespace authkit::server {

struct Readiness {
  bool ready = false;
  std::string body;  // the JSON body of /ready
};

// What the operational routes need from the rest of the program.
struct OperationalHooks {
  std::function<Readiness()> ready;           // probes the dependencies
  std::function<std::string()> metrics_text;  // Prometheus text exposition
};

void add_operational_routes(HttpServer& server, const ServerConfig& config,
                            const OperationalHooks& hooks);

}  // namespace authkit::server
