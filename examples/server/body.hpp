// The JSON body rule of docs/api.md#request-body, decided by Content-Type
// (docs/compatibility.md#body-parser-errors).
#pragma once

#include <optional>
#include <string_view>

namespace authkit::server {

// What a request's body means to the library's parse functions.
struct JsonBody {
  // True: refuse with 415 UNSUPPORTED_MEDIA_TYPE (a JSON type with a charset not starting with
  // "utf-", which the original's body parser refused too, though as an HTML 500).
  bool unsupported_charset = false;
  // The body text for an application/json request (parameters allowed); nullopt for any other
  // content type or none, which the contract reports as an undefined body.
  std::optional<std::string_view> text;
};

// `content_type` is the Content-Type header ("" when absent); `body` must outlive the result.
JsonBody json_body(std::string_view content_type, std::string_view body);

}  // namespace authkit::server
