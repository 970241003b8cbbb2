// .env loading: KEY=VALUE lines applied to the environment without overriding it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authkit::server {

// One KEY=VALUE pair of a .env file, in file order.
using EnvEntries = std::vector<std::pair<std::string, std::string>>;

// The result of parsing: the entries, or a message naming the line (never a value: a .env file
// holds secrets).
struct EnvParse {
  EnvEntries entries;
  std::string error;  // empty: success
};

// Parses dotenv text: blank lines and lines starting with '#' are skipped; "export " may prefix
// a key; keys are [A-Za-z_][A-Za-z0-9_]*; a value is unquoted (trimmed, a " #" starts a
// comment), single-quoted (literal) or double-quoted (\n, \r, \t, \", \\ escapes); quoted values
// may span lines. A later duplicate key wins, as in dotenv.
EnvParse parse_env_text(std::string_view text);

// Reads `path` when it exists and sets every variable that is not already set (the process
// environment wins, as the original's dotenv). Call before starting any thread: setenv is not
// thread-safe. Returns an error message, empty on success or when there is no file.
std::string load_env_file(const std::string& path);

}  // namespace authkit::server
