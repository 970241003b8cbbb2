// `--name value` or `--name=value`: the two spellings of getopt_long's required arguments.
#include "named_options.hpp"

#include <algorithm>
#include <string>

#include "text.hpp"

namespace authkit::server {

std::variant<NamedOptions, std::string> parse_named_options(
    std::span<char* const> args, std::initializer_list<std::string_view> known) {
  NamedOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      return options;
    }
    std::string_view name = arg;
    std::string_view value;
    bool has_value = false;
    if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    // Never the value: an argument may be a URL with a password, pasted where it does not go.
    if (!name.starts_with("-")) return "unexpected argument " + std::to_string(i + 1);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return "unknown option \"" + escaped(name) + "\"";
    }
    if (options.values.count(name) != 0) return std::string(name) + " is given twice";
    if (!has_value) {
      if (i + 1 >= args.size()) return std::string(name) + " needs a value";
      value = args[++i];
    }
    options.values.emplace(std::string(name), std::string(value));
  }
  return options;
}

}  // namespace authkit::server
