// How long a request's body is, decided from its head alone, and whether the connection can
// carry another request after it (docs/compatibility.md#request-framing).
#pragma once

#include <httplib.h>

#include <cstdint>

namespace authkit::server {

struct Framing {
  enum class Refusal {
    kNone,
    kInvalidContentLength,  // not one decimal number, or repeated     -> 400
    kTransferEncoding,      // any Transfer-Encoding (chunked included) -> 400
    kTooLarge,              // Content-Length above the body limit      -> 413
  };
  Refusal refusal = Refusal::kNone;
  // The bytes after the head that are this request's body. cpp-httplib is never let read
  // further, whatever it would do (it reads a body without Content-Length until end of
  // stream, and skips the whole declared length of a body over the limit).
  std::uint64_t body_bytes = 0;
  // The connection ends after the answer, whatever else happens: the client asked for it,
  // or bytes may follow whose framing is unknown (a body without Content-Length, a refused
  // framing). An unread declared body closes it too (see Exchange in edge_server.hpp).
  bool close = false;
};

// `max_body_bytes`: the largest body accepted (Content-Length above it is refused).
Framing frame_request(const httplib::Request& req, std::uint64_t max_body_bytes);

// True for the methods whose requests carry a body in this server (cpp-httplib reads one
// only for these).
bool has_body_method(std::string_view method) noexcept;

}  // namespace authkit::server
