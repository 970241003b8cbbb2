// Parsing `authkit-server import-original`'s options (named_options.hpp).
#include "import_options.hpp"

#include <charconv>
#include <string_view>
#include <utility>

#include "named_options.hpp"

namespace authkit::server {

std::variant<ImportOptions, std::string> parse_import_options(std::span<char* const> args) {
  auto parsed = parse_named_options(args, {"--from", "--batch-size", "--progress"});
  if (auto* problem = std::get_if<std::string>(&parsed)) return std::move(*problem);
  const auto& named = std::get<NamedOptions>(parsed);
  ImportOptions options;
  if (named.help) {
    options.help = true;
    return options;
  }
  for (const auto& [name, value] : named.values) {
    if (name == "--from") {
      if (!value.starts_with("postgresql://") && !value.starts_with("postgres://")) {
        return std::string("--from must be a postgresql:// URL of the original's database");
      }
      options.from = value;
    } else if (name == "--batch-size") {
      std::size_t users = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), users);
      if (ec != std::errc() || end != value.data() + value.size() || users < 1 || users > 10000) {
        return std::string("--batch-size must be a whole number of users from 1 to 10000");
      }
      options.batch_size = users;
    } else if (value == "auto" || value == "lines" || value == "never") {
      options.progress = value == "auto"    ? ProgressMode::kAuto
                         : value == "lines" ? ProgressMode::kLines
                                            : ProgressMode::kNever;
    } else {
      return std::string("--progress must be auto, lines or never");
    }
  }
  if (options.from.empty()) return std::string("--from is required");
  return options;
}

}  // namespace authkit::server
