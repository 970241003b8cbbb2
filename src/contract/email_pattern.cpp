// zod's e-mail regex as a hand-written matcher; each step names the part of the regex it checks.
#include "contract/patterns.hpp"

namespace authkit::detail {
namespace {

bool is_alnum(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alpha(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// [A-Za-z0-9_'+\-\.]
bool is_local_char(char c) noexcept {
  return is_alnum(c) || c == '_' || c == '\'' || c == '+' || c == '-' || c == '.';
}
// [A-Za-z0-9_+-]: the last character before the @.
bool is_local_last_char(char c) noexcept { return is_alnum(c) || c == '_' || c == '+' || c == '-'; }

}  // namespace

bool matches_email_pattern(std::string_view text) noexcept {
  // (?!\.) and (?!.*\.\.): every character the rest accepts is one `.` matches, so these two
  // lookaheads mean "no leading dot" and "no two dots in a row" over the whole text.
  if (text.empty() || text.front() == '.' || text.find("..") != std::string_view::npos) {
    return false;
  }
  // Neither part's character class contains '@', so the text splits at its only '@'.
  const std::size_t at = text.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  // ([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@
  for (char c : local) {
    if (!is_local_char(c)) return false;
  }
  if (!is_local_last_char(local.back())) return false;
  // ([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$: labels hold no '.', so the split at dots is
  // unique; the last part is the top-level domain and at least one label precedes it.
  const std::size_t last_dot = domain.rfind('.');
  if (last_dot == std::string_view::npos) return false;
  const std::string_view top_level = domain.substr(last_dot + 1);
  if (top_level.size() < 2) return false;
  for (char c : top_level) {
    if (!is_alpha(c)) return false;
  }
  std::size_t label_start = 0;
  while (label_start <= last_dot) {
    const std::size_t label_end = domain.find('.', label_start);
    const std::string_view label = domain.substr(label_start, label_end - label_start);
    if (label.empty() || !is_alnum(label.front())) return false;
    for (char c : label) {
      if (!is_alnum(c) && c != '-') return false;
    }
    label_start = label_end + 1;
  }
  return true;
}

}  // namespace authkit::detail
