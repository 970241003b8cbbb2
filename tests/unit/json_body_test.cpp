// parse_json_body on the shapes a hostile client sends: what it keeps, what it refuses, and that
// it keeps nothing it was not asked for. Its cost is measured in bench/json_body_bench.cpp.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

#include "contract/json_body.hpp"

using authkit::detail::BodyMember;
using authkit::detail::JsonBody;
using authkit::detail::JsonBodyError;
using authkit::detail::JsType;
using authkit::detail::parse_json_body;

namespace {

constexpr std::array<std::string_view, 3> kNames{"name", "email", "password"};

std::string repeat(std::string_view unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

JsonBody parsed(std::string_view text) {
  auto result = parse_json_body(text, kNames);
  const auto* error = std::get_if<JsonBodyError>(&result);
  if (error != nullptr) FAIL("refused at byte " << error->offset);
  return std::get<JsonBody>(std::move(result));
}

bool refused(std::string_view text) {
  return std::holds_alternative<JsonBodyError>(parse_json_body(text, kNames));
}

// A member that must be there; its absence fails the test.
const BodyMember& member(const JsonBody& body, std::string_view name) {
  const BodyMember* found = body.find(name);
  REQUIRE(found != nullptr);
  return *found;
}

// The text of `count` distinct members "k0":0,"k1":0,... each followed by a comma.
std::string distinct_members(std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += "\"k" + std::to_string(i) + "\":0,";
  return out;
}

}  // namespace

TEST_CASE("json body: only the schema's members are kept", "[contract][json_body]") {
  const JsonBody body =
      parsed(R"({"isAdmin":true,"name":"Gabri","extra":{"password":"inner"},"zzz":[1,2]})");
  CHECK(body.type == JsType::kObject);
  REQUIRE(body.members.size() == 1);
  CHECK(member(body, "name").string == "Gabri");
  CHECK(body.find("password") == nullptr);  // a nested "password" is not a top-level one
  CHECK(body.find("isAdmin") == nullptr);
}

TEST_CASE("json body: many distinct unknown members are skipped, not stored",
          "[contract][json_body]") {
  // The shape that once took 100 s for 1 MiB: 116,000 distinct keys around the real ones.
  const std::string text = "{" + distinct_members(58000) + R"("password":"12345678",)" +
                           distinct_members(58000) + R"("name":"Gabri"})";
  const JsonBody body = parsed(text);
  CHECK(body.members.size() == 2);
  CHECK(member(body, "password").string == "12345678");
  CHECK(member(body, "name").string == "Gabri");
  CHECK(body.find("email") == nullptr);
  CHECK(body.find("k0") == nullptr);
}

TEST_CASE("json body: a repeated member keeps its last occurrence, whatever the types",
          "[contract][json_body]") {
  const JsonBody body = parsed(R"({"name":"first","name":[1,2,3],"email":{"length":5},)"
                               R"("email":"last@b.cd","password":"x","k":0,"password":null})");
  REQUIRE(body.members.size() == 3);
  const BodyMember& name = member(body, "name");
  CHECK(name.type == JsType::kArray);
  CHECK(name.string.empty());  // nothing of the first occurrence is left
  CHECK(name.length == 3.0);
  const BodyMember& email = member(body, "email");
  CHECK(email.type == JsType::kString);
  CHECK(email.string == "last@b.cd");
  CHECK_FALSE(email.length.has_value());
  CHECK(member(body, "password").type == JsType::kNull);

  // Repeated many times among unknown members: still one slot, the last value.
  std::string many = "{";
  for (int i = 0; i < 20000; ++i) many += "\"password\":\"p" + std::to_string(i) + "\",\"u\":1,";
  many += "\"name\":1}";
  const JsonBody repeated = parsed(many);
  CHECK(repeated.members.size() == 2);
  CHECK(member(repeated, "password").string == "p19999");
}

TEST_CASE("json body: member names are compared after unescaping", "[contract][json_body]") {
  const JsonBody body = parsed(R"({"pass\u0077ord":"12345678","n\u0061me":"Gabri","name ":1})");
  CHECK(member(body, "password").string == "12345678");
  CHECK(member(body, "name").string == "Gabri");
  CHECK(body.members.size() == 2);
}

TEST_CASE("json body: a top-level array keeps nothing", "[contract][json_body]") {
  const JsonBody body = parsed(R"([{"name":"Gabri"},"name",{"password":"x"}])");
  CHECK(body.type == JsType::kArray);
  CHECK(body.members.empty());
}

TEST_CASE("json body: deep nesting anywhere is read without recursion", "[contract][json_body]") {
  constexpr std::size_t kDepth = 1'000'000;
  const std::string arrays = repeat("[", kDepth) + repeat("]", kDepth);
  std::string objects = repeat(R"({"a":)", kDepth / 8) + "0" + repeat("}", kDepth / 8);

  SECTION("as an unknown member") {
    const JsonBody body =
        parsed(R"({"deep":)" + arrays + R"(,"obj":)" + objects + R"(,"name":"Gabri"})");
    CHECK(body.members.size() == 1);
    CHECK(member(body, "name").string == "Gabri");
  }
  SECTION("as a kept member: only the outer array's element count matters") {
    const BodyMember name = member(parsed(R"({"name":)" + arrays + "}"), "name");
    CHECK(name.type == JsType::kArray);
    CHECK(name.length == 1.0);
    const BodyMember obj = member(parsed(R"({"name":)" + objects + "}"), "name");
    CHECK(obj.type == JsType::kObject);
    CHECK_FALSE(obj.length.has_value());
  }
  SECTION("as a top-level array") { CHECK(parsed(arrays).type == JsType::kArray); }
  SECTION("unclosed or mismatched, it is refused") {
    CHECK(refused(repeat("[", kDepth)));
    CHECK(refused(R"({"name":)" + repeat("[", kDepth) + repeat("]", kDepth - 1) + "}"));
    CHECK(refused(R"({"name":)" + repeat("[", 10) + repeat("}", 10) + "}"));
  }
}

TEST_CASE("json body: the length member joins through a chain of sole elements",
          "[contract][json_body]") {
  const auto length_of = [](const std::string& value) {
    const JsonBody body = parsed(R"({"password":{"length":)" + value + "}}");
    const BodyMember& password = member(body, "password");
    REQUIRE(password.type == JsType::kObject);
    REQUIRE(password.length.has_value());
    return *password.length;
  };
  constexpr std::size_t kDepth = 200'000;
  CHECK(length_of(repeat("[", kDepth) + "\" 9 \"" + repeat("]", kDepth)) == 9.0);
  CHECK(length_of(repeat("[", kDepth) + repeat("]", kDepth)) == 0.0);  // "" is 0
  CHECK(length_of(repeat("[", kDepth) + "null" + repeat("]", kDepth)) == 0.0);
  CHECK(std::isnan(length_of(repeat("[", kDepth) + "true" + repeat("]", kDepth))));
  // A second element anywhere in the chain puts a comma in the join.
  CHECK(std::isnan(length_of("[[[9],1]]")));
  CHECK(std::isnan(length_of("[[[9]],[]]")));
  CHECK(std::isnan(length_of("[[9,[[[1]]]]]")));
  // An object anywhere in the chain is "[object Object]".
  CHECK(std::isnan(length_of(R"([[{"length":3}]])")));
  CHECK(length_of("[[[9]]]") == 9.0);
  // After the chain, the object's later members still count; the last "length" wins.
  const JsonBody body = parsed(R"({"password":{"length":[[[5]]],"x":[[1,2]],"length":"7"}})");
  CHECK(member(body, "password").length == 7.0);
  // A "length" nested deeper is not the member's own.
  const JsonBody nested = parsed(R"({"password":{"a":{"length":5}}})");
  CHECK_FALSE(member(nested, "password").length.has_value());
}

TEST_CASE("json body: long strings and many escapes decode exactly", "[contract][json_body]") {
  constexpr std::size_t kCount = 200'000;
  SECTION("a long plain string") {
    const std::string value = repeat("abcdefgh", kCount);
    CHECK(member(parsed(R"({"name":")" + value + "\"}"), "name").string == value);
  }
  SECTION("every character escaped") {
    const JsonBody body = parsed(R"({"name":")" + repeat(R"(\n\"\\\/\t)", kCount) + "\"}");
    CHECK(member(body, "name").string == repeat("\n\"\\/\t", kCount));
  }
  SECTION("\\u escapes, surrogate pairs included") {
    const JsonBody body =
        parsed(R"({"name":")" + repeat(R"(\u00e9\ud83d\ude00\u0000)", kCount) + "\"}");
    CHECK(member(body, "name").string ==
          repeat(std::string("\xC3\xA9\xF0\x9F\x98\x80\0", 7), kCount));
  }
  SECTION("raw UTF-8 passes through") {
    const std::string value = repeat("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", kCount);
    CHECK(member(parsed(R"({"name":")" + value + "\"}"), "name").string == value);
  }
  SECTION("long strings in unknown members and keys are skipped") {
    const std::string text =
        "{\"" + repeat("k", kCount) + "\":\"" + repeat("\\u0041", kCount) + R"(","name":"Gabri"})";
    const JsonBody body = parsed(text);
    CHECK(body.members.size() == 1);
    CHECK(member(body, "name").string == "Gabri");
  }
}

TEST_CASE("json body: broken escapes and invalid UTF-8 are refused", "[contract][json_body]") {
  for (const std::string& text : std::initializer_list<std::string>{
           R"({"name":"\ud800"})",             // lone high surrogate
           R"({"name":"\udc00"})",             // lone low surrogate
           R"({"name":"\ud800\u0041"})",       // high surrogate, then not a low one
           R"({"name":"\ud800\ud800"})",       // two high surrogates
           R"({"name":"\u12"})",               // short \u
           R"({"name":"\u12G4"})",             // not hex
           R"({"name":"\x41"})",               // not a JSON escape
           R"({"name":"\)",                    // cut inside an escape
           "{\"name\":\"\xC0\x80\"}",          // overlong NUL
           "{\"name\":\"\xED\xA0\x80\"}",      // a surrogate encoded in UTF-8
           "{\"name\":\"\xF4\x90\x80\x80\"}",  // beyond U+10FFFF
           "{\"name\":\"\xE2\x82\"}",          // truncated sequence
           "{\"name\":\"\x80\"}",              // lone continuation byte
           "{\"name\":\"\xFF\"}",
           "{\"\xFF\":1}",          // in a key
           "{\"a\":[\"\xC3\"]}",    // in a skipped value
           "{\"name\":\"a\x1F\"}",  // raw control character
       }) {
    CAPTURE(text);
    CHECK(refused(text));
  }
  // A raw NUL is never JSON, not even after a complete value (nlohmann's parser stopped there).
  CHECK(refused(std::string("{\"name\":\"x\"}\0junk", 17)));
  CHECK(refused(std::string("{\"name\":\"x\"} \0", 14)));
  CHECK(refused(std::string("{\"name\":\0\"x\"}", 13)));
  // The same kinds of damage deep inside a long unknown value are found too.
  CHECK(refused(R"({"x":[)" + repeat(R"("\u00e9",)", 100000) + R"("\udbff"]})"));
}

TEST_CASE("json body: numbers at the edges", "[contract][json_body]") {
  const auto number = [](const std::string& literal) {
    const BodyMember name = member(parsed(R"({"name":)" + literal + "}"), "name");
    REQUIRE(name.type == JsType::kNumber);
    return name;
  };
  CHECK(number("0").type == JsType::kNumber);
  CHECK(number("-0").type == JsType::kNumber);
  CHECK(number("1.7976931348623157e308").type == JsType::kNumber);
  CHECK(number("18446744073709551616").type == JsType::kNumber);  // past uint64
  CHECK(number("-9223372036854775809").type == JsType::kNumber);  // past int64
  CHECK(number("4.9e-324").type == JsType::kNumber);
  CHECK(number("1e-400").type == JsType::kNumber);  // underflows to 0, as JSON.parse
  CHECK(number("0." + repeat("9", 100000)).type == JsType::kNumber);
  CHECK(number(repeat("1", 300)).type == JsType::kNumber);
  CHECK(number("0." + repeat("0", 100000) + "1").type == JsType::kNumber);
  CHECK(number("1e" + repeat("0", 100000) + "1").type == JsType::kNumber);
  // Numbers JSON refuses, and those beyond double range (docs/compatibility.md).
  for (const std::string& literal : std::initializer_list<std::string>{
           "01", "-", "+1", "1.", ".5", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity",
           "1e309", "-1e309", repeat("9", 400), "1" + repeat("0", 100000) + "e1"}) {
    CAPTURE(literal.substr(0, 20));
    CHECK(refused(R"({"name":)" + literal + "}"));
    CHECK(refused(R"({"other":)" + literal + "}"));  // unknown members are checked the same
  }
}

TEST_CASE("json body: a refusal gives an offset inside the text", "[contract][json_body]") {
  const std::string text = R"({"name":"Gabri","k":)" + repeat("[", 1000) + "}";
  auto result = parse_json_body(text, kNames);
  REQUIRE(std::holds_alternative<JsonBodyError>(result));
  const std::size_t offset = std::get<JsonBodyError>(result).offset;
  CHECK(offset > 1000);
  CHECK(offset <= text.size());
}

TEST_CASE("json body: numbers at the edge of double range agree with strtod",
          "[contract][json_body]") {
  // DBL_MAX + ulp/2 = (2^54 - 1) * 2^970: below it a number rounds to a finite double; at it, the
  // tie rounds to even, past DBL_MAX.
  const std::string threshold =
      "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017"
      "977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273"
      "854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704"
      "342711559699508093042880177904174497792";
  std::string below = threshold;
  below.back() = '1';
  for (const std::string& literal :
       std::initializer_list<std::string>{"1.7976931348623157e308",
                                          "1.7976931348623158e308",
                                          "1.7976931348623159e308",
                                          "-1.7976931348623158079e308",
                                          "1.797693134862315807937289714053034150799e308",
                                          "0.17976931348623158e309",
                                          "17976931348623158e292",
                                          "1e308",
                                          "9.9e307",
                                          "1e309",
                                          "0.1e309",
                                          "0.00001e313",
                                          "2e308",
                                          threshold,
                                          below,
                                          threshold + ".0",
                                          below + ".9999",
                                          threshold + "e-1",
                                          "-" + threshold,
                                          "1e-400",
                                          "0." + repeat("0", 400) + "1e401",
                                          "1" + repeat("0", 400) + "e-92",
                                          "1e+0308"}) {
    CAPTURE(literal.substr(0, 40));
    const std::string text = R"({"a":)" + literal + "}";
    CHECK(refused(text) == !std::isfinite(std::strtod(literal.c_str(), nullptr)));
    CHECK(refused(text) == !nlohmann::json::accept(text));
  }
}

TEST_CASE("json body: UTF-8 is refused and accepted as nlohmann::json does",
          "[contract][json_body]") {
  // Every lead byte past ASCII with every second byte, and the edges of the continuation range
  // for the third and fourth bytes.
  std::size_t disagreements = 0;
  for (int lead = 0x80; lead <= 0xFF; ++lead) {
    for (int second = 0; second <= 0xFF; ++second) {
      for (const int third : {0x7F, 0x80, 0xBF, 0xC0}) {
        for (const int fourth : {0x22, 0x80, 0xBF}) {  // 0x22 closes the string early
          std::string text = "{\"a\":\"";
          for (const int byte : {lead, second, third, fourth}) text += static_cast<char>(byte);
          text += "\"}";
          if (second == 0) continue;  // nlohmann stops at a NUL byte (see the NUL case above)
          if (refused(text) == nlohmann::json::accept(text)) ++disagreements;
        }
      }
    }
  }
  CHECK(disagreements == 0);
}
