// A SAX handler over nlohmann's parser: memory stays proportional to the top-level strings kept.
#include "contract/json_body.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
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
  std::size_t count = 0;         // kArray at depth 2 (a member's value): element count
  std::optional<double> length;  // kObject: its "length" member, converted

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

class BodyHandler final : public nlohmann::json_sax<nlohmann::json> {
 public:
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

  bool start_object(std::size_t) override {
    if (stack_.empty()) body.type = JsType::kObject;
    stack_.push_back(Frame{false});
    if (stack_.size() == 2) field_length_.reset();
    return true;
  }
  bool key(string_t& name) override {
    if (stack_.size() == 1) {
      current_ = member_named(name);
    } else if (stack_.size() == 2) {
      next_is_length_ = name == "length";
    }
    return true;
  }
  bool end_object() override {
    Value finished = Value::of(JsType::kObject, kNaN);
    if (stack_.size() == 2) finished.length = std::exchange(field_length_, std::nullopt);
    stack_.pop_back();
    return deliver(finished);
  }
  bool start_array(std::size_t) override {
    if (stack_.empty()) body.type = JsType::kArray;
    stack_.push_back(Frame{true});
    if (stack_.size() == 2) field_array_size_ = 0;
    return true;
  }
  bool end_array() override {
    const Frame& frame = stack_.back();
    // join(",") of two or more elements holds a comma, which no number literal does.
    const double joined = frame.count == 0 ? 0.0 : frame.count == 1 ? frame.sole_element : kNaN;
    Value finished = Value::of(JsType::kArray, joined);
    if (stack_.size() == 2) finished.count = field_array_size_;
    stack_.pop_back();
    return deliver(finished);
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    error_offset = position;
    return false;
  }

 private:
  // One open container. Kept small: a hostile body may nest a million levels deep.
  struct Frame {
    bool is_array = false;
    std::uint8_t count = 0;   // arrays: elements so far, counting stops at 2
    double sole_element = 0;  // arrays: element_number() of the first element
  };

  BodyMember* member_named(const std::string& name) {
    for (BodyMember& member : body.members) {
      if (member.name == name) {
        member = BodyMember{
            name, JsType::kNull, {}, std::nullopt};  // JSON.parse: the last occurrence wins
        return &member;
      }
    }
    body.members.push_back(BodyMember{name, JsType::kNull, {}, std::nullopt});
    return &body.members.back();
  }

  bool deliver(const Value& v) {
    if (stack_.empty()) return true;  // the top-level value itself
    Frame& parent = stack_.back();
    if (parent.is_array) {
      if (parent.count == 0) parent.sole_element = element_number(v);
      if (parent.count < 2) ++parent.count;
      if (stack_.size() == 2) ++field_array_size_;
      return true;
    }
    if (stack_.size() == 1) {
      keep_member(v);
    } else if (stack_.size() == 2 && next_is_length_) {
      field_length_ = to_number(v);  // a repeated "length" member: the last one wins
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

  std::vector<Frame> stack_;
  BodyMember* current_ = nullptr;       // the top-level member being read
  bool next_is_length_ = false;         // the pending depth-2 value is a "length" member
  std::optional<double> field_length_;  // the open depth-2 object's "length", converted
  std::size_t field_array_size_ = 0;    // the open depth-2 array's exact element count
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

std::variant<JsonBody, JsonBodyError> parse_json_body(std::string_view text) {
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
  BodyHandler handler;
  const char* begin = text.data();
  if (!nlohmann::json::sax_parse(begin, begin + text.size(), &handler)) {
    return JsonBodyError{skipped + handler.error_offset};
  }
  return std::move(handler.body);
}

}  // namespace authkit::detail
