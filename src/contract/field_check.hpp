// Runs a StringField's rules over a JSON member or a typed string, collecting zod-style details.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authkit/error.hpp"
#include "contract/field_rule.hpp"
#include "contract/json_body.hpp"

namespace authkit::detail {

// Checks `text` against `field` and appends one detail per broken rule. Returns the value the
// field takes (trimmed when the field says so) when no rule was broken.
std::optional<std::string> check_string(const StringField& field, std::string_view text,
                                        std::vector<ErrorDetail>& details);

// The same for a member of a JSON body (`member` is nullptr when absent): a wrong type gives
// zod's "Invalid input: expected string, received <type>", followed, when the value has a
// JavaScript length, by the length rules evaluated on that length as JavaScript compares.
std::optional<std::string> check_member(const StringField& field, const BodyMember* member,
                                        std::vector<ErrorDetail>& details);

}  // namespace authkit::detail
