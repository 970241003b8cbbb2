// Parsing `authkit-server smoke`'s options (named_options.hpp), each checked for its meaning.
#include "smoke_options.hpp"

#include <charconv>
#include <cstdio>
#include <string_view>
#include <utility>

#include "named_options.hpp"

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
  auto parsed = parse_named_options(args, {"--url", "--timeout", "--ca-file", "--email-domain"});
  if (auto* problem = std::get_if<std::string>(&parsed)) return std::move(*problem);
  const auto& named = std::get<NamedOptions>(parsed);
  SmokeOptions options;
  if (named.help) {
    options.help = true;
    return options;
  }
  for (const auto& [name, given] : named.values) {
    const std::string_view value = given;
    if (name == "--url") {
      auto target = parse_smoke_target(value);
      if (auto* problem = std::get_if<std::string>(&target)) return "--url: " + *problem;
      options.target = std::get<SmokeTarget>(std::move(target));
    } else if (name == "--timeout") {
      int seconds = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec != std::errc() || end != value.data() + value.size() || seconds < 1 || seconds > 300) {
        return std::string("--timeout must be a whole number of seconds from 1 to 300");
      }
      options.timeout = std::chrono::seconds(seconds);
    } else if (name == "--ca-file") {
      std::FILE* file = std::fopen(given.c_str(), "rb");
      if (file == nullptr) return "--ca-file: cannot read " + given;
      std::fclose(file);
      options.ca_file = given;
    } else {
      if (!is_domain(value)) {
        return std::string("--email-domain must be a domain name such as example.com");
      }
      options.email_domain = given;
    }
  }
  if (named.values.count("--url") == 0) return std::string("--url is required");
  return options;
}

}  // namespace authkit::server
