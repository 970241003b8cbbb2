// Parsing `authkit-server smoke`'s options: `--name value` or `--name=value`, each at most once.
#include "smoke_options.hpp"

#include <charconv>
#include <cstdio>
#include <set>
#include <string_view>

namespace authkit::server {
namespace {

bool is_domain(std::string_view name) noexcept {
  if (name.empty() || name.size() > 253) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return name.find('.') != std::string_view::npos;
}

}  // namespace

std::variant<SmokeOptions, std::string> parse_smoke_options(std::span<char* const> args) {
  SmokeOptions options;
  std::set<std::string, std::less<>> seen;
  bool have_url = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
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
    if (name != "--url" && name != "--timeout" && name != "--ca-file" && name != "--email-domain") {
      return "unknown option \"" + std::string(arg) + "\"";
    }
    if (!seen.emplace(name).second) return std::string(name) + " is given twice";
    if (!has_value) {
      if (i + 1 >= args.size()) return std::string(name) + " needs a value";
      value = args[++i];
    }

    if (name == "--url") {
      auto target = parse_smoke_target(value);
      if (auto* problem = std::get_if<std::string>(&target)) return "--url: " + *problem;
      options.target = std::get<SmokeTarget>(std::move(target));
      have_url = true;
    } else if (name == "--timeout") {
      int seconds = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec != std::errc() || end != value.data() + value.size() || seconds < 1 || seconds > 300) {
        return std::string("--timeout must be a whole number of seconds from 1 to 300");
      }
      options.timeout = std::chrono::seconds(seconds);
    } else if (name == "--ca-file") {
      std::FILE* file = std::fopen(std::string(value).c_str(), "rb");
      if (file == nullptr) return "--ca-file: cannot read " + std::string(value);
      std::fclose(file);
      options.ca_file = std::string(value);
    } else {
      if (!is_domain(value)) {
        return std::string("--email-domain must be a domain name such as example.com");
      }
      options.email_domain = std::string(value);
    }
  }
  if (!have_url) return std::string("--url is required");
  return options;
}

}  // namespace authkit::server
