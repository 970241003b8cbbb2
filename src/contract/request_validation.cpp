// The public validators: JSON bodies and typed inputs both go through the declared field rules.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "authkit/contract.hpp"
#include "base/text.hpp"
#include "contract/field_check.hpp"
#include "contract/json_body.hpp"
#include "contract/request_schemas.hpp"
#include "js/js_string.hpp"

namespace authkit {
inline namespace v1 {
namespace {

using detail::ObjectSchema;

// Ties each typed input to its schema: members[i] holds the value of schema.fields[i].
template <class Input>
struct Binding;

template <>
struct Binding<RegisterInput> {
  static constexpr const ObjectSchema& kSchema = detail::kRegisterSchema;
  static constexpr std::array kMembers{&RegisterInput::name, &RegisterInput::email,
                                       &RegisterInput::password};
};

template <>
struct Binding<CreateSessionInput> {
  static constexpr const ObjectSchema& kSchema = detail::kCreateSessionSchema;
  static constexpr std::array kMembers{&CreateSessionInput::email, &CreateSessionInput::password};
};

template <>
struct Binding<RefreshTokenInput> {
  static constexpr const ObjectSchema& kSchema = detail::kRefreshTokenSchema;
  static constexpr std::array kMembers{&RefreshTokenInput::refresh_token};
};

template <class Input>
constexpr bool binding_matches_schema() {
  return Binding<Input>::kMembers.size() == Binding<Input>::kSchema.fields.size();
}
static_assert(binding_matches_schema<RegisterInput>());
static_assert(binding_matches_schema<CreateSessionInput>());
static_assert(binding_matches_schema<RefreshTokenInput>());

Error invalid_payload(std::vector<ErrorDetail> details, std::string diagnostic = {}) {
  Error error(ErrorCode::kInvalidPayload);
  error.details = std::move(details);
  error.diagnostic = std::move(diagnostic);
  return error;
}

Error invalid_body(std::string_view message, std::string diagnostic = {}) {
  return invalid_payload({ErrorDetail{"body", std::string(message)}}, std::move(diagnostic));
}

template <class Input>
Result<Input> parse_input(std::optional<std::string_view> json_body) {
  // What zod says of a body that body-parser left undefined (no JSON content type).
  if (!json_body) return invalid_body("Invalid input: expected object, received undefined");
  const ObjectSchema& schema = Binding<Input>::kSchema;
  std::array<std::string_view, Binding<Input>::kMembers.size()> names;
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = schema.fields[i].property;
  auto parsed = detail::parse_json_body(*json_body, names);
  if (const auto* failure = std::get_if<detail::JsonBodyError>(&parsed)) {
    // The offset only: the text around it could be part of a password.
    return invalid_body("Malformed JSON in request body",
                        "malformed JSON body at byte " + std::to_string(failure->offset));
  }
  const detail::JsonBody& body = std::get<detail::JsonBody>(parsed);
  if (body.type == detail::JsType::kArray) {
    return invalid_body("Invalid input: expected object, received array");
  }
  std::vector<ErrorDetail> details;
  Input input;
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    const auto& field = schema.fields[i];
    auto value = detail::check_member(field, body.find(field.property), details);
    if (value) input.*Binding<Input>::kMembers[i] = std::move(*value);
  }
  if (!details.empty()) return invalid_payload(std::move(details));
  return input;
}

template <class Input>
Result<Input> validate_input(Input input) {
  const ObjectSchema& schema = Binding<Input>::kSchema;
  std::vector<ErrorDetail> details;
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    std::string& member = input.*Binding<Input>::kMembers[i];
    auto value = detail::check_string(schema.fields[i], member, details);
    if (value) member = std::move(*value);
  }
  if (!details.empty()) return invalid_payload(std::move(details));
  return input;
}

}  // namespace

Result<RegisterInput> parse_register_input(std::optional<std::string_view> json_body) {
  return parse_input<RegisterInput>(json_body);
}

Result<CreateSessionInput> parse_create_session_input(std::optional<std::string_view> json_body) {
  return parse_input<CreateSessionInput>(json_body);
}

Result<RefreshTokenInput> parse_refresh_token_input(std::optional<std::string_view> json_body) {
  return parse_input<RefreshTokenInput>(json_body);
}

Result<RegisterInput> validate(RegisterInput input) { return validate_input(std::move(input)); }

Result<CreateSessionInput> validate(CreateSessionInput input) {
  return validate_input(std::move(input));
}

Result<RefreshTokenInput> validate(RefreshTokenInput input) {
  return validate_input(std::move(input));
}

Result<std::string> validate_session_id(std::string_view session_id) {
  std::vector<ErrorDetail> details;
  auto value = detail::check_string(detail::kSessionIdField, session_id, details);
  if (!value) return invalid_payload(std::move(details));
  return std::move(*value);
}

std::string normalize_email(std::string_view email) {
  return text::ascii_lower(detail::js_trim(email));
}

}  // namespace v1
}  // namespace authkit
