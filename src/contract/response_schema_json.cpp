// The response schemas of the contract (docs/api.md#resources, docs/api.md#error-envelope) as
// the OpenAPI document has them (docs/api.md#openapi).
#include "contract/patterns.hpp"
#include "contract/schema_json.hpp"

namespace authkit::detail {
namespace {

OrderedJson plain(std::string_view type) { return OrderedJson{{"type", type}}; }

OrderedJson date_time() {
  return OrderedJson{{"type", "string"}, {"format", "date-time"}, {"pattern", kDateTimePattern}};
}

OrderedJson nullable(OrderedJson schema) {
  OrderedJson any_of = OrderedJson::array({std::move(schema), plain("null")});
  return OrderedJson{{"anyOf", std::move(any_of)}};
}

OrderedJson user() {
  OrderedJson id = {{"type", "integer"},
                    {"exclusiveMinimum", 0},
                    {"maximum", 9007199254740991}};  // Number.MAX_SAFE_INTEGER
  OrderedJson email = {{"type", "string"}, {"format", "email"}, {"pattern", kEmailPattern}};
  OrderedJson properties = OrderedJson::object();
  properties["id"] = std::move(id);
  properties["name"] = plain("string");
  properties["email"] = std::move(email);
  properties["createdAt"] = date_time();
  return object_schema(std::move(properties));
}

OrderedJson session() {
  OrderedJson session_id = {{"type", "string"}, {"format", "uuid"}, {"pattern", kUuidPattern}};
  OrderedJson status = {{"type", "string"},
                        {"enum", OrderedJson::array({"ACTIVE", "REVOKED", "COMPROMISED"})}};
  OrderedJson properties = OrderedJson::object();
  properties["sessionId"] = std::move(session_id);
  properties["status"] = std::move(status);
  properties["createdAt"] = date_time();
  properties["lastSeenAt"] = nullable(date_time());
  properties["userAgent"] = nullable(plain("string"));
  properties["ipAddress"] = nullable(plain("string"));
  properties["current"] = plain("boolean");
  return object_schema(std::move(properties));
}

OrderedJson non_empty_string() { return OrderedJson{{"type", "string"}, {"minLength", 1}}; }

OrderedJson auth_response() {
  OrderedJson properties = OrderedJson::object();
  properties["accessToken"] = non_empty_string();
  properties["refreshToken"] = non_empty_string();
  properties["user"] = user();
  properties["session"] = session();
  return object_schema(std::move(properties));
}

OrderedJson register_response() {
  OrderedJson properties = OrderedJson::object();
  properties["user"] = user();
  return object_schema(std::move(properties));
}

OrderedJson me_response() {
  OrderedJson properties = OrderedJson::object();
  properties["user"] = user();
  properties["session"] = session();
  return object_schema(std::move(properties));
}

OrderedJson sessions_list_response() {
  OrderedJson list = {{"type", "array"}};
  list["items"] = session();
  OrderedJson properties = OrderedJson::object();
  properties["sessions"] = std::move(list);
  return object_schema(std::move(properties));
}

OrderedJson error_response() {
  OrderedJson detail_properties = OrderedJson::object();
  detail_properties["path"] = plain("string");
  detail_properties["message"] = plain("string");
  OrderedJson details = {{"type", "array"}};
  details["items"] = object_schema(std::move(detail_properties));

  OrderedJson error_properties = OrderedJson::object();
  error_properties["code"] = plain("string");
  error_properties["message"] = plain("string");
  error_properties["details"] = std::move(details);
  error_properties["correlationId"] = plain("string");
  OrderedJson error = object_schema(std::move(error_properties));
  // `details` appears only on INVALID_PAYLOAD errors, so it is the one optional member.
  error["required"] = OrderedJson::array({"code", "message", "correlationId"});

  OrderedJson properties = OrderedJson::object();
  properties["error"] = std::move(error);
  return object_schema(std::move(properties));
}

}  // namespace

std::optional<OrderedJson> response_schema(Schema schema) {
  switch (schema) {
    case Schema::kUser:
      return user();
    case Schema::kSession:
      return session();
    case Schema::kAuthResponse:
      return auth_response();
    case Schema::kRegisterResponse:
      return register_response();
    case Schema::kMeResponse:
      return me_response();
    case Schema::kSessionsListResponse:
      return sessions_list_response();
    case Schema::kErrorResponse:
      return error_response();
    default:
      return std::nullopt;
  }
}

}  // namespace authkit::detail
