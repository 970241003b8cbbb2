// Fuzz target: the request-body parsers of the contract (JSON text from any client), and the
// streaming body reader checked against a whole-document reading of the same text.
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string_view>
#include <variant>

#include "authkit/contract.hpp"
#include "contract/json_body.hpp"
#include "fuzz_target.hpp"
#include "js/js_number.hpp"

namespace {

using authkit::detail::BodyMember;
using authkit::detail::JsonBody;
using authkit::detail::JsType;

constexpr std::array<std::string_view, 4> kNames{"name", "email", "password", "refreshToken"};

// The oracle: what JavaScript makes of `length >= n` for a member's `length` value v, computed
// on a DOM (recursion is fine here: the fuzz inputs are small).
double dom_number(const nlohmann::json& v) {
  if (v.is_null()) return 0.0;
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return authkit::detail::js_string_to_number(v.get<std::string>());
  if (v.is_array()) {  // join(","): empty is "", one element its own string, more hold a comma
    if (v.empty()) return 0.0;
    if (v.size() > 1) return std::numeric_limits<double>::quiet_NaN();
    return v[0].is_boolean() ? std::numeric_limits<double>::quiet_NaN() : dom_number(v[0]);
  }
  return std::numeric_limits<double>::quiet_NaN();  // "[object Object]"
}

JsType dom_type(const nlohmann::json& v) {
  if (v.is_null()) return JsType::kNull;
  if (v.is_boolean()) return JsType::kBoolean;
  if (v.is_number()) return JsType::kNumber;
  if (v.is_string()) return JsType::kString;
  if (v.is_array()) return JsType::kArray;
  return JsType::kObject;
}

bool same_length(const std::optional<double>& a, const std::optional<double>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return (std::isnan(*a) && std::isnan(*b)) || *a == *b;
}

// Aborts when parse_json_body and a DOM of the same text disagree on anything validation reads.
void check_against_dom(std::string_view text) {
  const auto streamed = authkit::detail::parse_json_body(text, kNames);
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  if (text.empty()) {
    if (!std::holds_alternative<JsonBody>(streamed)) std::abort();
    return;
  }
  const auto first = text.find_first_not_of(" \t\r\n");
  const bool container = first != text.npos && (text[first] == '{' || text[first] == '[');
  const auto dom = nlohmann::json::parse(text, nullptr, false);
  // nlohmann's lexer takes a NUL byte for the end of the input, so it accepts "{}\0junk"; no
  // JSON text holds a raw NUL (JSON.parse refuses one anywhere), and parse_json_body neither.
  const bool accepted = container && !dom.is_discarded() && text.find('\0') == text.npos;
  if (accepted != std::holds_alternative<JsonBody>(streamed)) std::abort();
  if (!accepted) return;
  const JsonBody& body = std::get<JsonBody>(streamed);
  if (body.type != dom_type(dom)) std::abort();
  for (const std::string_view name : kNames) {
    const BodyMember* member = body.find(name);
    const auto found = dom.is_object() ? dom.find(std::string(name)) : dom.end();
    if ((member != nullptr) != (found != dom.end())) std::abort();
    if (member == nullptr) continue;
    if (member->type != dom_type(*found)) std::abort();
    std::optional<double> length;
    if (found->is_array()) length = static_cast<double>(found->size());
    if (found->is_object() && found->contains("length")) length = dom_number(found->at("length"));
    if (found->is_string() && member->string != found->get<std::string>()) std::abort();
    if (!same_length(member->length, length)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::optional<std::string_view> body(
      std::string_view(reinterpret_cast<const char*>(data), size));
  check_against_dom(*body);
  auto registered = authkit::parse_register_input(body);
  auto login = authkit::parse_create_session_input(body);
  auto refresh = authkit::parse_refresh_token_input(body);
  // A refusal is always INVALID_PAYLOAD with at least one detail; never anything else.
  for (const authkit::Error* e :
       {registered ? nullptr : &registered.error(), login ? nullptr : &login.error(),
        refresh ? nullptr : &refresh.error()}) {
    if (e != nullptr && (e->code != authkit::ErrorCode::kInvalidPayload || e->details.empty())) {
      std::abort();
    }
  }
  return 0;
}

std::vector<std::string> authkit_fuzz::seeds() {
  return {
      R"({"name":"Vector User","email":"a@b.cd","password":"correct-horse-battery"})",
      R"({"email":" A.B@C.DE ","password":"12345678"})",
      R"({"refreshToken":"  x  "})",
      R"({"name":[],"password":{"length":"x"},"email":null})",
      R"([1,2,3])",
      "",
      R"({"name":"\u00e9\ud83d\ude00","email":"x@y.zz","password":"\u0000\u0000\u0000\u0000"})",
      // The hostile shapes of the linear parser's tests (tests/unit/json_body_test.cpp), small:
      // unknown and repeated members, nesting, the length chain, escapes, numbers at the edges.
      R"({"refreshToken":"x","aaaa":0,"aaab":0,"refreshToken":"y","aaaa":[{}],"pass\u0077ord":1})",
      R"({"d":[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]],"o":{"a":{"a":{"a":{"a":0}}}},"name":"Gabri"})",
      R"({"password":{"length":[[[[[" 9 "]]]]],"x":[[1,2]],"length":[[[9],1]]}})",
      R"({"name":"\n\t\"\\\/\b\f\r\u00e9\ud83d\ude00\uDBFF\uDFFF","email":"\u0041"})",
      R"({"name":-0,"email":1e308,"password":4.9e-324,"x":[1e-400,18446744073709551616,-0.0e+0]})",
      "{\"name\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\",\"x\":\"\xED\xA0\x80\xC0\x80\"}",
  };
}
