// The public entry points naming and rendering the component schemas of the OpenAPI document.
#include "authkit/contract.hpp"
#include "contract/request_schemas.hpp"
#include "contract/schema_json.hpp"

namespace authkit {
inline namespace v1 {

std::string_view schema_name(Schema schema) noexcept {
  switch (schema) {
    case Schema::kRegisterInput:
      return detail::kRegisterSchema.name;
    case Schema::kCreateSessionInput:
      return detail::kCreateSessionSchema.name;
    case Schema::kRefreshTokenInput:
      return detail::kRefreshTokenSchema.name;
    case Schema::kSessionParams:
      return detail::kSessionParamsSchema.name;
    case Schema::kUser:
      return "User";
    case Schema::kSession:
      return "Session";
    case Schema::kAuthResponse:
      return "AuthResponse";
    case Schema::kRegisterResponse:
      return "RegisterResponse";
    case Schema::kMeResponse:
      return "MeResponse";
    case Schema::kSessionsListResponse:
      return "SessionsListResponse";
    case Schema::kErrorResponse:
      return "ErrorResponse";
  }
  return {};
}

std::string json_schema(Schema schema) {
  switch (schema) {
    case Schema::kRegisterInput:
      return detail::request_schema(detail::kRegisterSchema).dump();
    case Schema::kCreateSessionInput:
      return detail::request_schema(detail::kCreateSessionSchema).dump();
    case Schema::kRefreshTokenInput:
      return detail::request_schema(detail::kRefreshTokenSchema).dump();
    case Schema::kSessionParams:
      return detail::request_schema(detail::kSessionParamsSchema).dump();
    default:
      break;
  }
  const auto response = detail::response_schema(schema);
  return response ? response->dump() : std::string();
}

}  // namespace v1
}  // namespace authkit
