// The library's settings table, shared by Config::read (its parsers) and settings.cpp (the
// catalogue's order and names).
#pragma once

#include <span>
#include <string_view>

#include "authkit/settings.hpp"

namespace authkit {
inline namespace v1 {
struct Config;
namespace config_table {

// One row: the documented variable, and how Config::read reads it (nullptr for the reference
// server's variables, which the library accepts by name and ignores).
struct SettingRow {
  SettingInfo info;
  void (*read)(SettingsReader& reader, std::string_view name, Config& config);
};

// Every row, in docs/configuration.md's order.
std::span<const SettingRow> setting_table() noexcept;

}  // namespace config_table
}  // namespace v1
}  // namespace authkit
