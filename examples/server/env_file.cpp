// .env parsing and loading, careful never to echo a value in an error.
#include "env_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace authkit::server {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_key_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_key_char(char c) { return is_key_start(c) || (c >= '0' && c <= '9'); }

// A cursor over the text that counts lines for error messages.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  char next() {
    const char c = text_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }
  void skip_blanks() {
    while (!done() && is_blank(peek())) next();
  }
  void skip_line() {
    while (!done() && peek() != '\n') next();
    if (!done()) next();
  }
  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    for (std::size_t i = 0; i < word.size(); ++i) next();
    return true;
  }
  std::size_t line() const { return line_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

std::string at_line(std::size_t line, std::string_view what) {
  return "line " + std::to_string(line) + ": " + std::string(what);
}

}  // namespace

EnvParse parse_env_text(std::string_view text) {
  EnvParse result;
  Cursor in(text);
  if (text.starts_with("\xEF\xBB\xBF")) in.consume("\xEF\xBB\xBF");
  while (!in.done()) {
    in.skip_blanks();
    if (in.peek() == '\n') {
      in.next();
      continue;
    }
    if (in.done()) break;
    if (in.peek() == '#') {
      in.skip_line();
      continue;
    }
    const std::size_t line = in.line();
    if (in.consume("export")) {
      if (!is_blank(in.peek())) {
        // "exportFOO=" or "export=" : "export" was the start of the key after all.
        result.error = at_line(line, "\"export\" must be followed by a space and a key");
        return result;
      }
      in.skip_blanks();
    }
    std::string key;
    if (!is_key_start(in.peek())) {
      result.error = at_line(line, "expected KEY=VALUE");
      return result;
    }
    while (is_key_char(in.peek())) key += in.next();
    in.skip_blanks();
    if (in.peek() != '=') {
      result.error = at_line(line, "expected '=' after " + key);
      return result;
    }
    in.next();
    in.skip_blanks();

    std::string value;
    const char quote = in.peek();
    if (quote == '"' || quote == '\'') {
      in.next();
      bool closed = false;
      while (!in.done()) {
        char c = in.next();
        if (c == quote) {
          closed = true;
          break;
        }
        if (quote == '"' && c == '\\' && !in.done()) {
          const char escaped = in.next();
          switch (escaped) {
            case 'n':
              c = '\n';
              break;
            case 'r':
              c = '\r';
              break;
            case 't':
              c = '\t';
              break;
            case '"':
              c = '"';
              break;
            case '\\':
              c = '\\';
              break;
            default:
              value += '\\';
              c = escaped;
          }
        }
        value += c;
      }
      if (!closed) {
        result.error = at_line(line, "unterminated quoted value of " + key);
        return result;
      }
      in.skip_blanks();
      if (!in.done() && in.peek() != '\n' && in.peek() != '#') {
        result.error = at_line(line, "unexpected text after the quoted value of " + key);
        return result;
      }
      in.skip_line();
    } else {
      while (!in.done() && in.peek() != '\n') {
        // A '#' starts a comment only after white space, so "a#b" keeps its '#'.
        if (in.peek() == '#' && (value.empty() || is_blank(value.back()))) break;
        value += in.next();
      }
      in.skip_line();
      while (!value.empty() && is_blank(value.back())) value.pop_back();
    }
    result.entries.emplace_back(std::move(key), std::move(value));
  }
  return result;
}

std::string load_env_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    if (errno == ENOENT) return {};
    return path + ": cannot read: " + std::strerror(errno);
  }
  std::ostringstream text;
  text << file.rdbuf();
  auto parsed = parse_env_text(text.str());
  if (!parsed.error.empty()) return path + ": " + parsed.error;
  for (const auto& [key, value] : parsed.entries) {
    // Overwrite 0: a variable already in the environment wins over the file.
    if (::setenv(key.c_str(), value.c_str(), 0) != 0) {
      // NOLINTNEXTLINE(performance-inefficient-string-concatenation): the one error, then return
      return path + ": cannot set " + key + ": " + std::strerror(errno);
    }
  }
  return {};
}

}  // namespace authkit::server
