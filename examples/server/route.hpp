// A route of the server: method, path, handler, and how /docs.json describes it.
#pragma once

#include <httplib.h>

#include <authkit/contract.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace authkit::server {

// One documented response of an operation.
struct ResponseDoc {
  int status = 200;
  std::string description;
  std::optional<Schema> schema;  // application/json body with this component schema
  bool text_body = false;        // text/plain string body (/metrics)
};

// The OpenAPI description of an operation (docs/api.md#openapi).
struct OperationDoc {
  std::string tag;
  std::string summary;
  bool bearer = false;                   // security: bearerAuth
  std::optional<Schema> request_body;    // required application/json body
  std::vector<std::string> path_params;  // uuid path parameters, e.g. "sessionId"
  std::vector<ResponseDoc> responses;
};

using RouteHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

struct Route {
  std::string method;  // "GET", "POST", "DELETE"
  // The OpenAPI spelling: lower-case, parameters as {name}. Matched case-insensitively, with
  // one trailing slash tolerated (docs/api.md#routing); HEAD is answered for every GET.
  std::string path;
  std::optional<OperationDoc> doc;  // nullopt: not in /docs.json (only /docs and its assets)
  RouteHandler handler;
};

// The regular expression that matches `path` as docs/api.md#routing says: every letter in either
// case, each {param} one non-empty segment (captured), and an optional trailing slash.
std::string route_pattern(std::string_view path);

}  // namespace authkit::server
