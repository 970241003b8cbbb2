// OpenAPI 3.1 (docs/compatibility.md#openapi-document): component schemas from the library, paths
// from the route table.
#include "openapi.hpp"
#include "text.hpp"

#include <nlohmann/json.hpp>

namespace authkit::server {
namespace {

using Json = nlohmann::ordered_json;

std::string_view first_element(std::string_view list) {
  return trim(list.substr(0, list.find(',')));
}

// A host header value we are willing to put into a URL: name or IPv4 or [IPv6], optional port.
bool is_safe_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

// The host without its port, lower-cased: "[::1]:3000" gives "[::1]".
std::string host_name(std::string_view host) {
  if (host.starts_with('[')) return lower(host.substr(0, host.find(']') + 1));
  return lower(host.substr(0, host.find(':')));
}

Json schema_ref(Schema schema) {
  return Json{{"$ref", "#/components/schemas/" + std::string(schema_name(schema))}};
}

Json operation_json(const OperationDoc& doc) {
  Json op;
  op["tags"] = Json::array({doc.tag});
  op["summary"] = doc.summary;
  if (doc.bearer) op["security"] = Json::array({Json{{"bearerAuth", Json::array()}}});
  if (!doc.path_params.empty()) {
    auto& params = op["parameters"] = Json::array();
    for (const auto& name : doc.path_params) {
      params.push_back(Json{{"in", "path"},
                            {"name", name},
                            {"required", true},
                            {"schema", Json{{"type", "string"}, {"format", "uuid"}}}});
    }
  }
  if (doc.request_body) {
    op["requestBody"] = Json{
        {"required", true},
        {"content", Json{{"application/json", Json{{"schema", schema_ref(*doc.request_body)}}}}}};
  }
  auto& responses = op["responses"] = Json::object();
  for (const auto& response : doc.responses) {
    Json entry{{"description", response.description}};
    if (response.schema) {
      entry["content"] = Json{{"application/json", Json{{"schema", schema_ref(*response.schema)}}}};
    } else if (response.text_body) {
      entry["content"] = Json{{"text/plain", Json{{"schema", Json{{"type", "string"}}}}}};
    }
    responses[std::to_string(response.status)] = std::move(entry);
  }
  return op;
}

}  // namespace

std::string servers_json(const ServerUrlInputs& in) {
  const std::string local = "http://localhost:" + std::to_string(in.port);
  std::string protocol = "http";  // the server speaks plain HTTP itself
  std::string_view host = trim(in.host);
  if (in.trust_proxy > 0) {
    const auto proto = lower(first_element(in.forwarded_proto));
    if (proto == "http" || proto == "https") protocol = proto;
    if (const auto forwarded = first_element(in.forwarded_host); !forwarded.empty()) {
      host = forwarded;
    }
  }
  Json servers = Json::array();
  std::string base = local;
  if (is_safe_host(host)) {
    const auto name = host_name(host);
    if (protocol == "http" && name != "localhost" && name != "127.0.0.1" && name != "[::1]") {
      protocol = "https";
    }
    base = protocol + "://" + std::string(host);
  }
  if (base != local) servers.push_back(Json{{"url", base}, {"description", "Current server"}});
  servers.push_back(Json{{"url", local}, {"description", "Local server"}});
  return servers.dump();
}

OpenApiDocument::OpenApiDocument(const std::vector<Route>& routes) {
  Json head;
  head["openapi"] = "3.1.0";
  head["info"] = Json{{"title", "Auth API"},
                      {"version", "1.1.3"},
                      {"description",
                       "Production-grade authentication API with first-class sessions, "
                       "refresh-token rotation, and contract-driven documentation."}};
  std::string head_text = head.dump();
  head_text.pop_back();  // the closing brace: servers follow
  head_ = head_text + ",\"servers\":";

  Json rest;
  auto& components = rest["components"];
  components["securitySchemes"] =
      Json{{"bearerAuth", Json{{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}};
  auto& schemas = components["schemas"] = Json::object();
  for (const auto schema : kAllSchemas) {
    schemas[std::string(schema_name(schema))] = Json::parse(json_schema(schema));
  }
  auto& paths = rest["paths"] = Json::object();
  for (const auto& route : routes) {
    if (!route.doc) continue;
    paths[route.path][lower(route.method)] = operation_json(*route.doc);
    operations_.push_back({route.method, route.path, route.doc->summary});
  }
  std::string rest_text = rest.dump();
  tail_ = "," + rest_text.substr(1);  // without the opening brace
}

std::string OpenApiDocument::render(const ServerUrlInputs& in) const {
  return head_ + servers_json(in) + tail_;
}

}  // namespace authkit::server
