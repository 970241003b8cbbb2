// The options of a subcommand (smoke, import-original): `--name value` or `--name=value`, each
// at most once, among the names the subcommand knows.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace authkit::server {

struct NamedOptions {
  std::map<std::string, std::string, std::less<>> values;  // by name, "--url" and the like
  bool help = false;                                       // --help or -h was given
};

// The options of `args`, or a message naming the first that is unknown, repeated or without
// its value (by its name or position: a message never repeats a value). --help (or -h) stops
// the parsing: nothing after it is looked at.
std::variant<NamedOptions, std::string> parse_named_options(
    std::span<char* const> args, std::initializer_list<std::string_view> known);

}  // namespace authkit::server
