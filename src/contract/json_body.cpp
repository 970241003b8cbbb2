// A SAX handler over nlohmann's (iterative) parser that keeps only the members a schema names.
#include "contract/json_body.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <utility>

#include "js/js_number.hpp"

namespace authkit::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A finished JSON value as its parent sees it.
struct Value {
  JsType type = JsType::kNull;
  std::string* text = nullptr;   // kString: the parser's buffer, movable
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
class BodyHandler final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit BodyHandler(std::span<const std::string_view> names) : names_(names) {
    body.members.reserve(names.size());  // `current_` points into it: it never reallocates
  }

  JsonBody body;
  std::size_t error_offset = 0;

  bool null() override { return deliver(Value::of(JsType::kNull)); }
  bool boolean(bool value) override {
    return deliver(Value::of(JsType::kBoolean, value ? 1.0 : 0.0));
  }
  bool number_integer(number_integer_t value) override {
    return deliver(Value::of(JsType::kNumber, static_cast<double>(value)));
  }
  bool number_unsigned(number_unsigned_t value) override {
    return deliver(Value::of(JsType::kNumber, static_cast<double>(value)));
  }
  bool number_float(number_float_t value, const string_t&) override {
    return deliver(Value::of(JsType::kNumber, value));
  }
  bool string(string_t& value) override {
    Value v = Value::of(JsType::kString);
    v.text = &value;
    return deliver(v);
  }
  bool binary(binary_t&) override { return false; }  // not produced by the JSON format

  bool start_object(std::size_t) override { return start(false); }
  bool start_array(std::size_t) override { return start(true); }
  bool end_object() override { return end(JsType::kObject); }
  bool end_array() override { return end(JsType::kArray); }

  bool key(string_t& name) override {
    if (skipped_ > 0) return true;  // a member of a skipped object
    if (member_ != Open::kNone) {
      next_is_length_ = name == "length";
    } else {
      current_ = keep(name);
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    error_offset = position;
    return false;
  }

 private:
  enum class Open : std::uint8_t { kNone, kArray, kObject };

  // The slot for a member named `name` when the schema knows it, emptied as JSON.parse's last
  // occurrence replaces the earlier ones; nullptr for any other name.
  BodyMember* keep(const std::string& name) {
    std::size_t i = 0;
    while (i < names_.size() && names_[i] != name) ++i;
    if (i == names_.size()) return nullptr;
    for (BodyMember& member : body.members) {  // at most names_.size() of them
      if (member.name == name) {
        member = BodyMember{std::move(member.name), JsType::kNull, {}, std::nullopt};
        return &member;
      }
    }
    body.members.push_back(BodyMember{name, JsType::kNull, {}, std::nullopt});
    return &body.members.back();
  }

  bool start(bool is_array) {
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
    return true;
  }

  bool end(JsType type) {
    if (skipped_ > 0) {
      if (--skipped_ > 0) return true;
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
    return true;
  }

  // Hands a finished value to the innermost container being tracked.
  bool deliver(const Value& v) {
    if (skipped_ > 0) return true;  // inside a skipped container
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
    return true;
  }

  void keep_member(const Value& v) {
    BodyMember& member = *current_;
    member.type = v.type;
    if (v.type == JsType::kString) member.string = std::move(*v.text);
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

bool is_json_whitespace(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

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
  const char* begin = text.data();
  if (!nlohmann::json::sax_parse(begin, begin + text.size(), &handler)) {
    return JsonBodyError{skipped + handler.error_offset};
  }
  return std::move(handler.body);
}

}  // namespace authkit::detail
