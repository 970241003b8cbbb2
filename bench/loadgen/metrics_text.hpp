// The server's /metrics text (Prometheus text format): what the load generator reads of it.
#pragma once

#include <optional>
#include <string_view>

namespace loadgen {

// The counter authkit-server adds each password hash's and verification's CPU time to.
inline constexpr std::string_view kHashCpuFamily = "auth_api_password_hash_cpu_seconds_total";

// The sum of every sample of `family` (each label set; not a longer name that starts with it):
// 0 when the text declares the family (its "# TYPE" line) without samples yet, nullopt when it
// does not declare it (metrics disabled, or a server without that family).
std::optional<double> sum_samples(std::string_view text, std::string_view family);

}  // namespace loadgen
