// The run's report: JSON for scripts and docs, and a short summary for people.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "options.hpp"
#include "runner.hpp"

namespace loadgen {

nlohmann::ordered_json report_json(const Options& options, const RunResult& result);
std::string report_text(const nlohmann::ordered_json& report);

}  // namespace loadgen
