// A SAX handler over nlohmann's parser that keeps only top-level members and rejects duplicates.
#include "token/strict_json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>

namespace authkit::detail {
namespace {

constexpr std::size_t kMaxDepth = 16;

class StrictObjectHandler final : public nlohmann::json_sax<nlohmann::json> {
 public:
  JsonObject members;
  bool failed = false;

  bool null() override { return scalar(JsonMember::Kind::kNull); }
  bool boolean(bool) override { return scalar(JsonMember::Kind::kBool); }
  bool number_integer(number_integer_t value) override {
    if (!scalar(JsonMember::Kind::kInteger)) return false;
    if (at_top_value()) members.back().integer = value;
    return true;
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (value > static_cast<number_unsigned_t>(std::numeric_limits<std::int64_t>::max())) {
      return scalar(JsonMember::Kind::kNumber);
    }
    return number_integer(static_cast<number_integer_t>(value));
  }
  bool number_float(number_float_t, const string_t&) override {
    return scalar(JsonMember::Kind::kNumber);
  }
  bool string(string_t& value) override {
    if (stack_.size() == 2 && !stack_.back().is_object) {  // an element of a top-level array
      members.back().strings.push_back(value);
      return true;
    }
    if (!scalar(JsonMember::Kind::kString)) return false;
    if (at_top_value()) members.back().string = value;
    return true;
  }
  bool binary(binary_t&) override { return fail(); }

  bool start_object(std::size_t) override {
    if (stack_.empty()) {
      stack_.push_back(Level{true, {}});
      return true;
    }
    if (!container_value(JsonMember::Kind::kObject)) return false;
    stack_.push_back(Level{true, {}});
    return stack_.size() <= kMaxDepth || fail();
  }
  bool key(string_t& name) override {
    auto& keys = stack_.back().keys;
    if (std::find(keys.begin(), keys.end(), name) != keys.end()) return fail();  // duplicate
    keys.push_back(name);
    if (stack_.size() == 1) {
      members.emplace_back();
      members.back().name = name;
    }
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    if (stack_.empty()) return fail();  // the top level must be an object
    if (!container_value(JsonMember::Kind::kArray)) return false;
    stack_.push_back(Level{false, {}});
    return stack_.size() <= kMaxDepth || fail();
  }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return fail();
  }

 private:
  struct Level {
    bool is_object;
    std::vector<std::string> keys;  // member names seen so far (objects only)
  };

  bool fail() {
    failed = true;
    return false;
  }
  // True when the value being parsed is the value of a top-level member.
  bool at_top_value() const { return stack_.size() == 1; }

  bool scalar(JsonMember::Kind kind) {
    if (stack_.empty()) return fail();  // a bare scalar instead of an object
    if (at_top_value()) {
      members.back().kind = kind;
    } else if (stack_.size() == 2 && !stack_.back().is_object) {
      members.back().array_of_strings = false;
    }
    return true;
  }
  bool container_value(JsonMember::Kind kind) {
    if (at_top_value()) {
      members.back().kind = kind;
    } else if (stack_.size() == 2 && !stack_.back().is_object) {
      members.back().array_of_strings = false;
    }
    return true;
  }

  std::vector<Level> stack_;
};

}  // namespace

std::optional<JsonObject> parse_strict_object(std::string_view text) {
  StrictObjectHandler handler;
  try {
    const bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &handler,
                                              nlohmann::json::input_format_t::json,
                                              /*strict=*/true);
    if (!ok || handler.failed) return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
  return std::move(handler.members);
}

const JsonMember* find_member(const JsonObject& object, std::string_view name) noexcept {
  for (const auto& member : object) {
    if (member.name == name) return &member;
  }
  return nullptr;
}

}  // namespace authkit::detail
