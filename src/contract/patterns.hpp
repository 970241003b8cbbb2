// The regular expressions of the contract, as the JSON Schema documents them
// (docs/api.md#patterns).
#pragma once

#include <string_view>

namespace authkit::detail {

// zod's default e-mail regex; matches_email_pattern() is its hand-written matcher.
inline constexpr std::string_view kEmailPattern =
    R"(^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$)";

// zod's uuid regex; crypto::is_uuid() is its hand-written matcher.
inline constexpr std::string_view kUuidPattern =
    "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
    "|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$";

// zod's ISO date-time regex (UTC "Z" only), used by the response schemas' timestamps.
inline constexpr std::string_view kDateTimePattern =
    R"(^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29)"
    R"(|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30))"
    R"(|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z))$)";

// True when `text` matches kEmailPattern, in one linear pass (a backtracking std::regex could
// exhaust the stack on long input).
bool matches_email_pattern(std::string_view text) noexcept;

}  // namespace authkit::detail
