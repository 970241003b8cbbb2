// A single-pass, iterative JSON reader that keeps only the members a schema names.
//
// Why not nlohmann's SAX parser: it converts every number and copies every string twice (its
// token buffer and its error-message buffer), so a 1 MiB array of zeros cost three times a 1 MiB
// string. This reader converts a number only where validation reads its value and decodes a
// string only where it is kept; everything else is checked for well-formedness and skipped.
// tests/fuzz/request_body_fuzz.cpp checks it accepts exactly what nlohmann::json accepts, but
// for a raw NUL byte, which nlohmann takes for the end of the input and no JSON text holds.
#include "contract/json_body.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "js/js_number.hpp"

namespace authkit::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The digits of DBL_MAX + ulp/2, (2^54 - 1) * 2^970: a decimal number rounds to a finite double
// exactly when its significant digits, read at that magnitude, are below these (a tie rounds to
// even, which is past DBL_MAX).
constexpr std::string_view kOverflowDigits =
    "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017"
    "977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273"
    "854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704"
    "342711559699508093042880177904174497792";
constexpr int kOverflowExponent = 308;  // kOverflowDigits is 1.797...e308

// A finished JSON value as its parent sees it.
struct Value {
  JsType type = JsType::kNull;
  std::string* text = nullptr;   // kString, when its text was wanted: movable
  double number = 0;             // kNumber, kBoolean (0 or 1); kArray: the join's number
  std::size_t count = 0;         // kArray, a kept member's value: its element count
  std::optional<double> length;  // kObject, a kept member's value: its "length" member, converted

  static Value of(JsType type, double number = 0) {
    Value v;
    v.type = type;
    v.number = number;
    return v;
  }
};

// ToNumber(ToPrimitive(v)), how `length >= 2` converts a `length` member v.
double to_number(const Value& v) {
  switch (v.type) {
    case JsType::kNull:
      return 0.0;
    case JsType::kString:
      return js_string_to_number(*v.text);
    case JsType::kObject:
      // "[object Object]"; an own "toString" member made the original throw a TypeError
      // (a 500), which libauthkit treats as any other non-numeric length.
      return kNaN;
    default:
      return v.number;
  }
}

// ToNumber(ToString(e)) of a sole array element e, as Array.prototype.join stringifies it:
// null becomes "" (0) and booleans "true"/"false" (NaN).
double element_number(const Value& v) {
  if (v.type == JsType::kBoolean) return kNaN;
  return to_number(v);
}

// Validation needs little of a body: the type of each kept member's value; for a kept member
// that is an array, its element count; for one that is an object, its own last "length"
// member converted to a number, which for an array is the number of its join(","). Such a join
// depends only on a chain of sole first elements ([[["9"]]] joins to "9"; anything with two
// elements holds a comma). So the handler tracks at most: the top-level object, the value of
// the kept member being read, and one chain of first elements under its "length"; every other
// container is skipped by counting its depth only. Nothing grows with the text but the strings
// kept, and the work per event is constant (the names are compared with the schema's own few).
class BodyHandler {
 public:
  explicit BodyHandler(std::span<const std::string_view> names) : names_(names) {
    body.members.reserve(names.size());  // `current_` points into it: it never reallocates
  }

  JsonBody body;

  // Whether the next value's text matters: a string's decoded text, a number's value.
  bool wants_string() const noexcept {
    if (skipped_ > 0) return false;
    if (chain_ > 0) return chain_count_ == 0;
    if (member_ == Open::kObject) return next_is_length_;
    if (member_ == Open::kArray) return false;
    return top_open_ && current_ != nullptr;  // a kept member's string is kept
  }
  bool wants_number() const noexcept {
    return skipped_ == 0 && ((chain_ > 0 && chain_count_ == 0) ||
                             (chain_ == 0 && member_ == Open::kObject && next_is_length_));
  }
  // Inside a skipped container: values change nothing until it closes.
  bool skips_values() const noexcept { return skipped_ > 0; }
  // Whether the next key needs its text: not inside a skipped object.
  bool wants_key() const noexcept { return skipped_ == 0; }

  void null() { deliver(Value::of(JsType::kNull)); }
  void boolean(bool value) { deliver(Value::of(JsType::kBoolean, value ? 1.0 : 0.0)); }
  void number(double value) { deliver(Value::of(JsType::kNumber, value)); }
  void string(std::string* text) {
    Value v = Value::of(JsType::kString);
    v.text = text;
    deliver(v);
  }

  void key(std::string_view name) {
    if (skipped_ > 0) return;  // a member of a skipped object
    if (member_ != Open::kNone) {
      next_is_length_ = name == "length";
    } else {
      current_ = keep(name);
    }
  }

  void start(bool is_array) {
    if (skipped_ > 0) {
      ++skipped_;
    } else if (chain_ > 0) {
      // The first element of the innermost chain array continues the chain when it is an
      // array; anything else there converts without being read (an object is NaN), and a
      // later element makes the join hold a comma.
      if (is_array && chain_count_ == 0) {
        ++chain_;
      } else {
        skipped_ = 1;
      }
    } else if (member_ != Open::kNone) {
      if (member_ == Open::kObject && next_is_length_ && is_array) {
        chain_ = 1;
        chain_count_ = 0;
      } else {
        skipped_ = 1;  // an element of the member's array, or a value of its object
      }
    } else if (top_open_) {
      if (current_ != nullptr) {
        member_ = is_array ? Open::kArray : Open::kObject;
        member_count_ = 0;
        member_length_.reset();
        next_is_length_ = false;
      } else {
        skipped_ = 1;  // an unknown member's value, or an element of a top-level array
      }
    } else {
      body.type = is_array ? JsType::kArray : JsType::kObject;
      top_open_ = true;
    }
  }

  // Runs of brackets ("[[[[" and "]]]]") in bulk, where one more level changes a counter only:
  // inside a skipped container, or along the chain of sole first elements.
  bool nests_arrays_in_bulk() const noexcept {
    return skipped_ > 0 || (chain_ > 0 && chain_count_ == 0);
  }
  // `n` more arrays, each the first element of the one before (after nests_arrays_in_bulk()).
  void nest_arrays(std::size_t n) noexcept {
    if (skipped_ > 0) {
      skipped_ += n;
    } else {
      chain_ += n;
    }
  }
  // How many arrays close_arrays() may close at once: the skipped depth, or the chain's.
  std::size_t arrays_closable_in_bulk() const noexcept { return skipped_ > 0 ? skipped_ : chain_; }
  // Closes `n` arrays at once, n <= arrays_closable_in_bulk().
  void close_arrays(std::size_t n) {
    if (skipped_ > 0) {
      skipped_ -= n;
      if (skipped_ == 0) deliver(Value::of(JsType::kArray, kNaN));
      return;
    }
    // Each outer chain level held only the inner one: the join passes through unchanged.
    const double joined = chain_count_ == 0 ? 0.0 : chain_count_ == 1 ? chain_sole_ : kNaN;
    chain_ -= n;
    chain_count_ = 0;
    deliver(Value::of(JsType::kArray, joined));
  }

  void end(JsType type) {
    if (skipped_ > 0) {
      if (--skipped_ > 0) return;
      // Whoever receives a skipped container needs its type at most: its number is NaN for an
      // object, and a skipped array only ever lands where a join already holds a comma.
      return deliver(Value::of(type, kNaN));
    }
    if (chain_ > 0) {
      const double joined = chain_count_ == 0 ? 0.0 : chain_count_ == 1 ? chain_sole_ : kNaN;
      --chain_;
      chain_count_ = 0;  // every outer chain array was still reading its first element
      return deliver(Value::of(JsType::kArray, joined));
    }
    if (member_ != Open::kNone) {
      Value finished = Value::of(type);
      if (member_ == Open::kArray) finished.count = member_count_;
      if (member_ == Open::kObject) finished.length = std::exchange(member_length_, std::nullopt);
      member_ = Open::kNone;
      return deliver(finished);
    }
    top_open_ = false;
  }

 private:
  enum class Open : std::uint8_t { kNone, kArray, kObject };

  // The slot for a member named `name` when the schema knows it, emptied as JSON.parse's last
  // occurrence replaces the earlier ones; nullptr for any other name.
  BodyMember* keep(std::string_view name) {
    std::size_t i = 0;
    while (i < names_.size() && names_[i] != name) ++i;
    if (i == names_.size()) return nullptr;
    for (BodyMember& member : body.members) {  // at most names_.size() of them
      if (member.name == name) {               // emptied in place: its buffer serves the next value
        member.type = JsType::kNull;
        member.string.clear();
        member.length.reset();
        return &member;
      }
    }
    body.members.push_back(BodyMember{std::string(name), JsType::kNull, {}, std::nullopt});
    return &body.members.back();
  }

  // Hands a finished value to the innermost container being tracked.
  void deliver(const Value& v) {
    if (skipped_ > 0) return;  // inside a skipped container
    if (chain_ > 0) {
      if (chain_count_ == 0) chain_sole_ = element_number(v);
      if (chain_count_ < 2) ++chain_count_;
    } else if (member_ == Open::kArray) {
      ++member_count_;
    } else if (member_ == Open::kObject) {
      // A repeated "length" member: the last one wins.
      if (next_is_length_) member_length_ = to_number(v);
    } else if (top_open_ && current_ != nullptr) {
      keep_member(v);
    }
  }

  void keep_member(const Value& v) {
    BodyMember& member = *current_;
    member.type = v.type;
    // Swapped, not moved: the reader's buffer and the member's trade places, so a member
    // repeated many times costs no allocation per occurrence.
    if (v.type == JsType::kString) member.string.swap(*v.text);
    if (v.type == JsType::kArray) member.length = static_cast<double>(v.count);
    if (v.type == JsType::kObject) member.length = v.length;
  }

  std::span<const std::string_view> names_;
  bool top_open_ = false;                // inside the top-level container
  BodyMember* current_ = nullptr;        // the kept top-level member being read, if any
  Open member_ = Open::kNone;            // the container that is the kept member's value
  std::size_t member_count_ = 0;         // its element count, when an array
  bool next_is_length_ = false;          // the pending value in it is a "length" member
  std::optional<double> member_length_;  // its "length", converted, when an object
  std::size_t chain_ = 0;         // open arrays in the chain of first elements under "length"
  std::uint8_t chain_count_ = 0;  // the innermost one's elements so far, counting stops at 2
  double chain_sole_ = 0;         // element_number() of its first element
  std::size_t skipped_ = 0;       // depth inside a container read for well-formedness only
};

// Bytes a string may hold as they are: printable ASCII but '"' and '\\'.
constexpr std::array<bool, 256> kPlainByte = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

constexpr std::array<bool, 256> kWhitespaceByte = [] {
  std::array<bool, 256> space{};
  for (const char c : {' ', '\t', '\n', '\r'}) space[static_cast<unsigned char>(c)] = true;
  return space;
}();

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_json_whitespace(char c) noexcept { return kWhitespaceByte[static_cast<unsigned char>(c)]; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// One bit per open container (set: an array), so that a million levels cost 128 KiB.
class ContainerStack {
 public:
  bool empty() const noexcept { return depth_ == 0; }
  bool top_is_array() const noexcept { return top_is_array_; }
  void push(bool is_array) {
    if (depth_ / 64 == words_.size()) words_.push_back(0);
    std::uint64_t& word = words_[depth_ / 64];
    const std::uint64_t bit = std::uint64_t{1} << (depth_ % 64);
    word = is_array ? (word | bit) : (word & ~bit);
    ++depth_;
    top_is_array_ = is_array;
  }
  void push_arrays(std::size_t n) {
    while (n > 0) {
      if (depth_ / 64 == words_.size()) words_.push_back(0);
      const std::size_t offset = depth_ % 64;
      const std::size_t take = std::min<std::size_t>(n, 64 - offset);
      const std::uint64_t ones = take == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << take) - 1;
      words_[depth_ / 64] |= ones << offset;
      depth_ += take;
      n -= take;
      top_is_array_ = true;
    }
  }
  // How many of the top `limit` containers are arrays, counted from the top down.
  std::size_t arrays_on_top(std::size_t limit) const noexcept {
    std::size_t n = 0;
    while (n < limit && n < depth_ && bit(depth_ - 1 - n)) ++n;
    return n;
  }
  void pop() noexcept { pop(1); }
  void pop(std::size_t n) noexcept {
    depth_ -= n;
    top_is_array_ = depth_ > 0 && bit(depth_ - 1);
  }

 private:
  bool bit(std::size_t level) const noexcept {
    return ((words_[level / 64] >> (level % 64)) & 1u) != 0;
  }

  std::vector<std::uint64_t> words_;
  std::size_t depth_ = 0;
  bool top_is_array_ = false;  // the top's bit, kept: read after every value
};

// The text after BOM handling, read once from left to right, without recursion.
class Reader {
 public:
  Reader(std::string_view text, BodyHandler& handler) : text_(text), handler_(handler) {}

  // Whether the whole text is one JSON value; on failure, offset() is where reading stopped.
  bool read() {
    skip_whitespace();
    while (true) {
      const Step step = read_value();
      if (step == Step::kFailed) return false;
      if (step == Step::kOpened) continue;  // its first element or member value is next
      // After a complete value: close containers, or move to the next element or member.
      while (true) {
        skip_whitespace();
        if (open_.empty()) return pos_ == text_.size();
        if (pos_ == text_.size()) return false;
        const char c = text_[pos_];
        const bool in_array = open_.top_is_array();
        if (c == ',') {
          ++pos_;
          skip_whitespace();
          if (in_array && handler_.skips_values()) {
            const Step scalars = skip_scalars();
            if (scalars == Step::kFailed) return false;
            if (scalars == Step::kComplete) continue;  // a scalar without a comma after it
          } else if (!in_array && !read_member_name()) {
            return false;
          }
          break;  // the next value
        }
        if (c != (in_array ? ']' : '}')) return false;
        if (in_array && close_run_of_arrays()) continue;
        ++pos_;
        open_.pop();
        handler_.end(in_array ? JsType::kArray : JsType::kObject);
      }
    }
  }

  std::size_t offset() const noexcept { return pos_; }

 private:
  enum class Step { kFailed, kComplete, kOpened };

  void skip_whitespace() noexcept {
    std::size_t pos = pos_;  // a local: the loop keeps it in a register
    while (pos < text_.size() && is_json_whitespace(text_[pos])) ++pos;
    pos_ = pos;
  }

  bool consume(char c) noexcept {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  // One value, or the opening of a container: kOpened leaves the reader at its first element
  // (an object's first member name already read), so nesting never recurses.
  Step read_value() {
    if (pos_ == text_.size()) return Step::kFailed;
    switch (text_[pos_]) {
      case '{':
      case '[': {
        const bool is_array = text_[pos_] == '[';
        ++pos_;
        handler_.start(is_array);
        open_.push(is_array);
        if (is_array) open_run_of_arrays();
        skip_whitespace();
        if (consume(is_array ? ']' : '}')) {
          open_.pop();
          handler_.end(is_array ? JsType::kArray : JsType::kObject);
          return Step::kComplete;
        }
        if (!is_array && !read_member_name()) return Step::kFailed;
        return Step::kOpened;
      }
      case '"': {
        ++pos_;
        std::string* out = handler_.wants_string() ? &value_ : nullptr;
        if (out != nullptr) out->clear();
        if (!read_string(out)) return Step::kFailed;
        handler_.string(out);
        return Step::kComplete;
      }
      case 't':
        if (!read_literal("true")) return Step::kFailed;
        handler_.boolean(true);
        return Step::kComplete;
      case 'f':
        if (!read_literal("false")) return Step::kFailed;
        handler_.boolean(false);
        return Step::kComplete;
      case 'n':
        if (!read_literal("null")) return Step::kFailed;
        handler_.null();
        return Step::kComplete;
      default:
        return read_number() ? Step::kComplete : Step::kFailed;
    }
  }

  // At a ']' closing an array: it and the ']' right after it, at once where the handler counts
  // the arrays they close only. False when it does not (the caller closes one).
  bool close_run_of_arrays() {
    const std::size_t capacity = handler_.arrays_closable_in_bulk();
    std::size_t run = 1;
    while (run < capacity && pos_ + run < text_.size() && text_[pos_ + run] == ']') ++run;
    if (run < 2) return false;
    run = open_.arrays_on_top(run);  // a ']' facing an object is refused by the caller next
    handler_.close_arrays(run);
    open_.pop(run);
    pos_ += run;
    return true;
  }

  // The elements of a skipped array while they are scalars, one after another and without the
  // handler (nothing in a skipped container reaches it). kComplete after a scalar that no comma
  // follows; kOpened at an element it leaves to read_value() (a container, or a refusal).
  Step skip_scalars() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      bool ok = false;
      if (c == '"') {
        ++pos_;
        ok = read_string(nullptr);
      } else if (c == '-' || is_digit(c)) {
        ok = scan_number();
      } else if (c == 't') {
        ok = read_literal("true");
      } else if (c == 'f') {
        ok = read_literal("false");
      } else if (c == 'n') {
        ok = read_literal("null");
      } else {
        return Step::kOpened;
      }
      if (!ok) return Step::kFailed;
      skip_whitespace();
      if (!consume(',')) return Step::kComplete;
      skip_whitespace();
    }
    return Step::kOpened;  // the end of the text: read_value() refuses it
  }

  // After a '[': the '[' right after it, each the first element of the one before, opened at
  // once where the handler counts them only.
  void open_run_of_arrays() {
    std::size_t run = 0;
    while (pos_ + run < text_.size() && text_[pos_ + run] == '[') ++run;
    while (run > 0 && !handler_.nests_arrays_in_bulk()) {
      handler_.start(true);
      open_.push(true);
      ++pos_;
      --run;
    }
    if (run == 0) return;
    handler_.nest_arrays(run);
    open_.push_arrays(run);
    pos_ += run;
  }

  // A member's name and its colon, whitespace around them included.
  bool read_member_name() {
    if (!consume('"')) return false;
    const std::size_t start = pos_;
    bool escaped = false;
    if (!read_string(nullptr, &escaped)) return false;
    std::string_view name = text_.substr(start, pos_ - 1 - start);  // as written
    if (escaped && handler_.wants_key()) {  // rare: decode it, reading it a second time
      const std::size_t end = pos_;
      pos_ = start;
      key_.clear();
      read_string(&key_);
      pos_ = end;
      name = key_;
    }
    skip_whitespace();
    if (!consume(':')) return false;
    handler_.key(name);
    skip_whitespace();
    return true;
  }

  bool read_literal(std::string_view literal) noexcept {
    if (text_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }

  // The rest of a string after its opening quote, through the closing one. Appends the decoded
  // text to `out` when given. Refuses raw control characters, bytes that are not UTF-8 (RFC
  // 3629: no overlongs, no surrogates, nothing past U+10FFFF), unknown escapes and unpaired
  // surrogate escapes.
  // `escaped`, when given, is set when the string held an escape.
  bool read_string(std::string* out, bool* escaped = nullptr) {
    std::size_t run = pos_;  // the start of the bytes copied as they are
    while (true) {
      std::size_t pos = pos_;  // a local: the loop keeps it in a register
      while (pos < text_.size() && kPlainByte[static_cast<unsigned char>(text_[pos])]) ++pos;
      pos_ = pos;
      if (pos_ == text_.size()) return false;
      const auto byte = static_cast<unsigned char>(text_[pos_]);
      if (byte >= 0x80) {  // a UTF-8 sequence stays in the run
        if (!read_utf8_sequence()) return false;
        continue;
      }
      if (out != nullptr && pos_ > run) out->append(text_.data() + run, pos_ - run);
      if (byte == '"') {
        ++pos_;
        return true;
      }
      if (byte != '\\') return false;  // a raw control character
      if (escaped != nullptr) *escaped = true;
      do {  // escapes often come in a row
        if (!read_escape(out)) return false;
      } while (pos_ < text_.size() && text_[pos_] == '\\');
      run = pos_;
    }
  }

  bool read_escape(std::string* out) {
    ++pos_;  // the backslash
    if (pos_ == text_.size()) return false;
    char decoded = 0;
    switch (text_[pos_]) {
      case '"':
      case '\\':
      case '/':
        decoded = text_[pos_];
        break;
      case 'b':
        decoded = '\b';
        break;
      case 'f':
        decoded = '\f';
        break;
      case 'n':
        decoded = '\n';
        break;
      case 'r':
        decoded = '\r';
        break;
      case 't':
        decoded = '\t';
        break;
      case 'u': {
        ++pos_;
        std::uint32_t unit = 0;
        if (!read_hex4(unit)) return false;
        if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a low surrogate first
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          std::uint32_t low = 0;
          if (!consume('\\') || !consume('u') || !read_hex4(low)) return false;
          if (low < 0xDC00 || low > 0xDFFF) return false;
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        if (out != nullptr) append_utf8(*out, unit);
        return true;
      }
      default:
        return false;
    }
    ++pos_;
    if (out != nullptr) *out += decoded;
    return true;
  }

  bool read_hex4(std::uint32_t& unit) noexcept {
    if (text_.size() - pos_ < 4) return false;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(text_[pos_ + static_cast<std::size_t>(i)]);
      if (digit < 0) return false;
      unit = (unit << 4) | static_cast<std::uint32_t>(digit);
    }
    pos_ += 4;
    return true;
  }

  // One UTF-8 sequence starting at a byte >= 0x80, by the ranges of RFC 3629 section 4.
  bool read_utf8_sequence() noexcept {
    const auto at = [&](std::size_t i) {
      return pos_ + i < text_.size() ? static_cast<unsigned char>(text_[pos_ + i]) : 0u;
    };
    const unsigned lead = at(0);
    unsigned low = 0x80;  // the second byte's range
    unsigned high = 0xBF;
    std::size_t length = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // no overlongs
      if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;   // no overlongs
      if (lead == 0xF4) high = 0x8F;  // nothing past U+10FFFF
    } else {
      return false;
    }
    if (at(1) < low || at(1) > high) return false;
    for (std::size_t i = 2; i < length; ++i) {
      if (at(i) < 0x80 || at(i) > 0xBF) return false;
    }
    pos_ += length;
    return true;
  }

  // A number by the JSON grammar, refused when it is beyond double range (as strtod would make
  // it infinite). Its value is converted only when validation reads it.
  bool read_number() {
    const std::size_t start = pos_;
    if (!scan_number()) return false;
    double value = 0;
    if (handler_.wants_number()) {
      const std::string token(text_.substr(start, pos_ - start));
      value = std::strtod(token.c_str(), nullptr);
    }
    handler_.number(value);
    return true;
  }

  // A number's text, checked without converting it.
  bool scan_number() {
    consume('-');
    const std::size_t int_start = pos_;
    if (consume('0')) {
    } else if (pos_ < text_.size() && text_[pos_] >= '1' && text_[pos_] <= '9') {
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    } else {
      return false;
    }
    const std::string_view int_digits = text_.substr(int_start, pos_ - int_start);
    std::string_view fraction;
    if (consume('.')) {
      const std::size_t fraction_start = pos_;
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
      if (pos_ == fraction_start) return false;
      fraction = text_.substr(fraction_start, pos_ - fraction_start);
    }
    std::int64_t exponent = 0;
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      const bool negative = consume('-');
      if (!negative) consume('+');
      const std::size_t exponent_start = pos_;
      while (pos_ < text_.size() && is_digit(text_[pos_])) {
        // Saturates: past a billion the answer no longer depends on the exact exponent.
        if (exponent < 1'000'000'000) exponent = exponent * 10 + (text_[pos_] - '0');
        ++pos_;
      }
      if (pos_ == exponent_start) return false;
      if (negative) exponent = -exponent;
    }
    // Without an exponent, fewer than 309 integer digits are always below 1e308.
    const bool surely_finite = exponent == 0 && int_digits.size() < 309;
    return surely_finite || is_finite_number(int_digits, fraction, exponent);
  }

  // Whether digits `int_digits`.`fraction` times 10^exponent rounds to a finite double.
  static bool is_finite_number(std::string_view int_digits, std::string_view fraction,
                               std::int64_t exponent) noexcept {
    // The power of ten of the leading significant digit.
    std::int64_t magnitude = 0;
    std::string_view significant;  // from the leading nonzero digit on (fraction digits after)
    std::string_view rest;
    const std::size_t lead = int_digits.find_first_not_of('0');
    if (lead != std::string_view::npos) {
      magnitude = static_cast<std::int64_t>(int_digits.size() - lead) - 1 + exponent;
      significant = int_digits.substr(lead);
      rest = fraction;
    } else {
      const std::size_t first = fraction.find_first_not_of('0');
      if (first == std::string_view::npos) return true;  // zero
      magnitude = -static_cast<std::int64_t>(first) - 1 + exponent;
      significant = fraction.substr(first);
    }
    if (magnitude < kOverflowExponent) return true;
    if (magnitude > kOverflowExponent) return false;
    // At the threshold's own magnitude: compare digit by digit (a tie is not finite).
    std::size_t i = 0;
    for (const std::string_view part : {significant, rest}) {
      for (const char digit : part) {
        if (i == kOverflowDigits.size()) return false;  // equal so far; any more is not below
        if (digit != kOverflowDigits[i]) return digit < kOverflowDigits[i];
        ++i;
      }
    }
    return i < kOverflowDigits.size();  // a proper prefix: below the threshold's nonzero tail
  }

  std::string_view text_;
  BodyHandler& handler_;
  std::size_t pos_ = 0;
  ContainerStack open_;
  std::string key_;    // the member name being read
  std::string value_;  // the string value being read, when wanted
};

}  // namespace

std::string_view js_type_name(JsType type) noexcept {
  switch (type) {
    case JsType::kNull:
      return "null";
    case JsType::kBoolean:
      return "boolean";
    case JsType::kNumber:
      return "number";
    case JsType::kString:
      return "string";
    case JsType::kArray:
      return "array";
    case JsType::kObject:
      return "object";
  }
  return "object";
}

const BodyMember* JsonBody::find(std::string_view name) const noexcept {
  for (const BodyMember& member : members) {
    if (member.name == name) return &member;
  }
  return nullptr;
}

std::variant<JsonBody, JsonBodyError> parse_json_body(std::string_view text,
                                                      std::span<const std::string_view> names) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  std::size_t skipped = 0;
  if (text.starts_with(kBom)) {
    text.remove_prefix(kBom.size());
    skipped = kBom.size();
  }
  if (text.empty()) return JsonBody{};
  std::size_t first = 0;
  while (first < text.size() && is_json_whitespace(text[first])) ++first;
  if (first == text.size() || (text[first] != '{' && text[first] != '[')) {
    return JsonBodyError{skipped + first};
  }
  BodyHandler handler(names);
  Reader reader(text, handler);
  if (!reader.read()) return JsonBodyError{skipped + reader.offset()};
  return std::move(handler.body);
}

}  // namespace authkit::detail
