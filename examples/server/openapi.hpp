// The OpenAPI 3.1 document of /docs.json, built from the route table and the library's schemas.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "route.hpp"

namespace authkit::server {

// What the `servers` list is computed from (docs/api.md#openapi, with
// docs/compatibility.md#openapi-document).
struct ServerUrlInputs {
  std::string_view forwarded_proto;  // X-Forwarded-Proto ("" when absent)
  std::string_view forwarded_host;   // X-Forwarded-Host
  std::string_view host;             // Host
  std::int64_t trust_proxy = 0;      // forwarded headers count only when > 0
  std::int64_t port = 3000;          // the local server's URL: http://localhost:<port>
};

// The `servers` array as compact JSON: [{"url":..,"description":"Current server"}, local] or
// just the local one. Only http and https are accepted as protocols, a host must look like a
// host name or address (with an optional port), and only localhost, 127.0.0.1 and [::1]
// themselves count as local (not "localhost.evil.com").
std::string servers_json(const ServerUrlInputs& in);

// The document, split so that only `servers` is computed per request.
class OpenApiDocument {
 public:
  // `routes`: every route of the router; those with a doc become the `paths`.
  explicit OpenApiDocument(const std::vector<Route>& routes);
  std::string render(const ServerUrlInputs& in) const;
  // The operations as (METHOD, path, summary), in document order: for the fallback /docs page.
  struct Operation {
    std::string method;
    std::string path;
    std::string summary;
  };
  const std::vector<Operation>& operations() const noexcept { return operations_; }

 private:
  std::string head_;  // {"openapi":..,"info":..,"servers":
  std::string tail_;  // ,"components":..,"paths":..}
  std::vector<Operation> operations_;
};

}  // namespace authkit::server
