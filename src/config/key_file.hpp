// Reading a PEM key file named by a setting: bounded, wiped when refused, and reported without
// its contents.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "authkit/settings.hpp"

namespace authkit::config_detail {

// Which PEM blocks a key file may hold.
enum class PemKind { kPrivate, kPrivateOrPublic };

// The file's contents, or nullopt after an issue of `variable` naming the path (never the
// contents): unreadable, larger than 1 MiB, or without a PEM key block of `kind`.
std::optional<std::string> read_key_file(SettingsReader& reader, std::string_view variable,
                                         const std::string& path, PemKind kind);

}  // namespace authkit::config_detail
