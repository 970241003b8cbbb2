#include "metrics_text.hpp"

#include <cstdlib>
#include <string>

namespace loadgen {

std::optional<double> sum_samples(std::string_view text, std::string_view family) {
  const std::string type_line = "# TYPE " + std::string(family) + " ";
  if (text.find(type_line) == std::string_view::npos) return std::nullopt;
  double sum = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.substr(0, family.size()) != family || line.size() == family.size()) continue;
    const char next = line[family.size()];
    if (next != '{' && next != ' ') continue;  // another family whose name starts the same
    // The value follows the last space (label values may hold spaces; no timestamps here).
    const auto space = line.rfind(' ');
    const std::string value(line.substr(space + 1));
    char* parsed_end = nullptr;
    const double number = std::strtod(value.c_str(), &parsed_end);
    if (parsed_end == value.c_str() || *parsed_end != '\0') continue;
    sum += number;
  }
  return sum;
}

}  // namespace loadgen
