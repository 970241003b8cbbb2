// The JWK Set route: the access-token key set's public keys, cacheable.
#include "routes_keys.hpp"

#include <string>

namespace authkit::server {

void add_key_routes(HttpServer& server, const std::unique_ptr<AuthService>& service) {
  OperationDoc doc;
  doc.tag = "Operations";
  doc.summary = "Public keys of the access tokens (RFC 7517 JWK Set)";
  doc.responses = {
      {200,
       "The access-token keys, active and verify-only, as {\"keys\":[...]}; public keys only",
       {},
       false},
      {404, "Access tokens are signed with an HMAC secret, which is never published",
       Schema::kErrorResponse, false}};
  server.add({"GET", "/.well-known/jwks.json", std::move(doc),
              [&server, &service](const httplib::Request& req, httplib::Response& res) {
                auto jwks = service->access_token_jwks();
                if (!jwks) {
                  // The envelope of an unknown route, with a message that says why.
                  Error error(ErrorCode::kNotFound);
                  error.message = "no public keys: access tokens are signed with an HMAC secret";
                  server.send_error(req, res, error);
                  return;
                }
                res.set_header("Cache-Control",
                               "public, max-age=" + std::to_string(kJwksMaxAgeSeconds));
                res.set_content(*jwks, "application/json; charset=utf-8");
              }});
}

}  // namespace authkit::server
