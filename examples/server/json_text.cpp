// {"message": ...} bodies, with JSON.stringify's escaping via nlohmann::json.
#include "json_text.hpp"

#include <nlohmann/json.hpp>

namespace authkit::server {

std::string message_body(std::string_view text) {
  nlohmann::ordered_json body;
  body["message"] = std::string(text);
  // Replace, not throw, on bytes that are not UTF-8.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace authkit::server
