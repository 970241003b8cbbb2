// The one place where a field's rules are applied, for JSON bodies and typed calls alike.
#include "contract/field_check.hpp"

#include "authkit/crypto.hpp"
#include "contract/patterns.hpp"
#include "js/js_string.hpp"

namespace authkit::detail {
namespace {

void add(std::vector<ErrorDetail>& details, const StringField& field, std::string_view message) {
  details.push_back(ErrorDetail{std::string(field.property), std::string(message)});
}

bool matches_format(StringFormat format, std::string_view text) noexcept {
  switch (format) {
    case StringFormat::kEmail:
      return matches_email_pattern(text);
    case StringFormat::kUuid:
      return crypto::is_uuid(text);
    case StringFormat::kNone:
      break;
  }
  return true;
}

// check_string() for text known to be valid UTF-8, as every string of a parsed JSON body is.
std::optional<std::string> check_valid_string(const StringField& field, std::string_view text,
                                              std::vector<ErrorDetail>& details) {
  const std::size_t before = details.size();
  const std::string_view value = field.trim ? js_trim(text) : text;
  const std::size_t length = js_length_of_valid_utf8(value);
  if (field.min && length < field.min->limit) add(details, field, field.min->message);
  if (field.max && length > field.max->limit) add(details, field, field.max->message);
  if (!matches_format(field.format, value)) add(details, field, field.format_message);
  if (!field.control_message.empty() && has_control_character(value)) {
    add(details, field, field.control_message);
  }
  if (details.size() != before) return std::nullopt;
  return std::string(value);
}

}  // namespace

std::optional<std::string> check_string(const StringField& field, std::string_view text,
                                        std::vector<ErrorDetail>& details) {
  if (!is_valid_utf8(text)) {
    add(details, field, field.utf8_message);
    return std::nullopt;
  }
  return check_valid_string(field, text, details);
}

std::optional<std::string> check_member(const StringField& field, const BodyMember* member,
                                        std::vector<ErrorDetail>& details) {
  if (member != nullptr && member->type == JsType::kString) {
    return check_valid_string(field, member->string, details);  // JSON strings are UTF-8
  }
  const std::string_view received = member == nullptr ? "undefined" : js_type_name(member->type);
  add(details, field, "Invalid input: expected string, received " + std::string(received));
  // zod still runs length checks on any non-nullish value whose `length` is not undefined;
  // `!(length >= min)` is JavaScript's comparison, true for NaN as for a short length.
  if (member != nullptr && member->length) {
    const double length = *member->length;
    const auto applies = [](const std::optional<LengthRule>& rule) {
      return rule && rule->origin == BoundOrigin::kContract;
    };
    if (applies(field.min) && !(length >= static_cast<double>(field.min->limit))) {
      add(details, field, field.min->message);
    }
    if (applies(field.max) && !(length <= static_cast<double>(field.max->limit))) {
      add(details, field, field.max->message);
    }
  }
  return std::nullopt;
}

}  // namespace authkit::detail
