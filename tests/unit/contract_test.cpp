// Request schemas: every rule, message and example of docs/api.md#validation, the added limits, the
// JSON Schemas.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authkit/contract.hpp"
#include "contract/patterns.hpp"
#include "js/js_number.hpp"
#include "js/js_string.hpp"

using authkit::CreateSessionInput;
using authkit::ErrorCode;
using authkit::ErrorDetail;
using authkit::RefreshTokenInput;
using authkit::RegisterInput;
using authkit::Result;
using authkit::Schema;
using Details = std::vector<ErrorDetail>;

namespace {

const std::string kUndefined = "Invalid input: expected string, received undefined";
const std::string kNameMin = "name must have at least 2 characters";
const std::string kNameMax = "name must have at most 100 characters";
const std::string kNameControl = "name must not contain control characters";
const std::string kEmailFormat = "email must be a valid email";
const std::string kEmailMax = "email must have at most 254 characters";
const std::string kPasswordMin = "password must have at least 8 characters";
const std::string kPasswordMax = "password must have at most 128 characters";
const std::string kLoginPasswordMax = "password must have at most 1024 characters";
const std::string kTokenRequired = "refreshToken is required";
const std::string kTokenMax = "refreshToken must have at most 8192 characters";
const std::string kMalformed = "Malformed JSON in request body";

std::string received(std::string_view type) {
  return "Invalid input: expected string, received " + std::string(type);
}

// The details of a failed validation, after checking it is the contract's INVALID_PAYLOAD.
template <class T>
Details details_of(const Result<T>& result) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kInvalidPayload);
  CHECK(result.error().status == 400);
  CHECK(result.error().message == "invalid payload");
  return result.error().details;
}

Details register_details(std::string_view body) {
  return details_of(authkit::parse_register_input(body));
}
Details login_details(std::string_view body) {
  return details_of(authkit::parse_create_session_input(body));
}
Details refresh_details(std::string_view body) {
  return details_of(authkit::parse_refresh_token_input(body));
}

// A register body whose other two fields are valid, so that only `field` is reported.
std::string register_body_with(const std::string& field, const nlohmann::json& value) {
  nlohmann::json body = {{"name", "Gabri"}, {"email", "gabri@test.dev"}, {"password", "12345678"}};
  body[field] = value;
  return body.dump();
}

Details password_details(const nlohmann::json& value) {
  return register_details(register_body_with("password", value));
}

const Details kOnlyPasswordAndEmailMissing{{"name", kUndefined}, {"email", kUndefined}};

std::string repeat(std::string_view unit, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The whole body (docs/api.md#request-body, docs/api.md#validation generic messages,
// docs/compatibility.md#malformed-json)

TEST_CASE("contract: a request without a JSON body is an undefined body", "[contract]") {
  const Details expected{{"body", "Invalid input: expected object, received undefined"}};
  CHECK(details_of(authkit::parse_register_input(std::nullopt)) == expected);
  CHECK(details_of(authkit::parse_create_session_input(std::nullopt)) == expected);
  CHECK(details_of(authkit::parse_refresh_token_input(std::nullopt)) == expected);
}

TEST_CASE("contract: a JSON array body is reported as such and nothing else", "[contract]") {
  const Details expected{{"body", "Invalid input: expected object, received array"}};
  CHECK(register_details("[]") == expected);
  CHECK(register_details(R"([{"name":"Gabri","email":"a@b.cd","password":"12345678"}])") ==
        expected);
  CHECK(login_details(" [1, 2] ") == expected);
  CHECK(refresh_details("[[]]") == expected);
}

TEST_CASE("contract: malformed JSON is one INVALID_PAYLOAD detail at body", "[contract]") {
  const Details expected{{"body", kMalformed}};
  for (const char* text : {
           "{",
           "{\"name\":}",
           "{\"name\":\"Gabri\"}}",
           "{}x",
           "{'name':'Gabri'}",
           "{\"a\":1,}",
           // body-parser's strict mode: the top level must be an object or an array.
           "null",
           "\"text\"",
           "5",
           "true",
           " ",  // only whitespace is not the empty body
           "\n\t",
           // JSON.parse refuses a raw control character in a string.
           "{\"name\":\"a\x01\"}",
           // Stricter than JSON.parse (recorded in docs/compatibility.md).
           "{\"name\":\"\\ud800\"}",
           "{\"x\":1e400}",
           "{\"name\":\"\xff\xfe\"}",
       }) {
    CAPTURE(text);
    CHECK(register_details(text) == expected);
  }
}

TEST_CASE("contract: a malformed body's diagnostic gives the offset, not the text", "[contract]") {
  auto result = authkit::parse_create_session_input(R"({"email":"a@b.cd","password":"hunter22)");
  REQUIRE_FALSE(result);
  CHECK(result.error().details == Details{{"body", kMalformed}});
  CHECK(result.error().diagnostic.find("hunter22") == std::string::npos);
  CHECK(result.error().diagnostic.find("byte") != std::string::npos);
}

TEST_CASE("contract: an empty body counts as {}, and a leading BOM is skipped", "[contract]") {
  const Details all_missing{{"name", kUndefined}, {"email", kUndefined}, {"password", kUndefined}};
  CHECK(register_details("") == all_missing);
  CHECK(register_details("{}") == all_missing);
  CHECK(register_details(" \r\n\t{ }\n") == all_missing);
  CHECK(register_details("\xEF\xBB\xBF") == all_missing);
  CHECK(register_details("\xEF\xBB\xBF{}") == all_missing);
  auto ok = authkit::parse_refresh_token_input("\xEF\xBB\xBF{\"refreshToken\":\"t\"}");
  REQUIRE(ok);
  CHECK(ok->refresh_token == "t");
}

TEST_CASE("contract: unknown members are ignored, however deep", "[contract]") {
  std::string deep = repeat("[", 100000) + repeat("]", 100000);
  auto result = authkit::parse_register_input(
      R"({"isAdmin":true,"name":"Gabri","extra":{"a":[1,{"b":null}]},"email":"a@b.cd",)"
      R"("password":"12345678","deep":)" +
      deep + "}");
  REQUIRE(result);
  CHECK(*result == RegisterInput{"Gabri", "a@b.cd", "12345678"});
  // Unclosed deep nesting is malformed, not a crash.
  CHECK(register_details(repeat("[", 200000)) == Details{{"body", kMalformed}});
}

TEST_CASE("contract: a repeated member keeps its last value, as JSON.parse", "[contract]") {
  auto result = authkit::parse_register_input(
      R"({"name":1,"name":"Gabri","email":"x","email":"a@b.cd","password":"12345678"})");
  REQUIRE(result);
  CHECK(result->name == "Gabri");
  CHECK(result->email == "a@b.cd");
  CHECK(register_details(R"({"name":"Gabri","email":"a@b.cd","password":"12345678","name":[]})") ==
        Details{{"name", received("array")}, {"name", kNameMin}});
}

// ---------------------------------------------------------------------------------------------
// Field types and the generic zod messages (docs/api.md#validation)

TEST_CASE("contract: zod's generic messages for each wrong type", "[contract]") {
  CHECK(password_details(nullptr) == Details{{"password", received("null")}});
  CHECK(password_details(12345678) == Details{{"password", received("number")}});
  CHECK(password_details(1.5) == Details{{"password", received("number")}});
  CHECK(password_details(true) == Details{{"password", received("boolean")}});
  CHECK(password_details(false) == Details{{"password", received("boolean")}});
  CHECK(password_details(nlohmann::json::object()) == Details{{"password", received("object")}});
  CHECK(password_details(nlohmann::json::array({1, 2, 3, 4, 5, 6, 7, 8})) ==
        Details{{"password", received("array")}});
}

TEST_CASE("contract: every issue is reported, in schema field order", "[contract]") {
  CHECK(register_details("{}") ==
        Details{{"name", kUndefined}, {"email", kUndefined}, {"password", kUndefined}});
  // The body's member order does not matter; the schema's does.
  CHECK(register_details(R"({"password":"short","email":"nope","name":"x"})") ==
        Details{{"name", kNameMin}, {"email", kEmailFormat}, {"password", kPasswordMin}});
  CHECK(register_details(R"({"password":null,"email":5,"name":{"length":null}})") ==
        Details{{"name", received("object")},
                {"name", kNameMin},
                {"email", received("number")},
                {"password", received("null")}});
  CHECK(login_details("{}") == Details{{"email", kUndefined}, {"password", kUndefined}});
  CHECK(login_details(R"({"email":" @ ","password":false})") ==
        Details{{"email", kEmailFormat}, {"password", received("boolean")}});
  CHECK(refresh_details("{}") == Details{{"refreshToken", kUndefined}});
}

// ---------------------------------------------------------------------------------------------
// The length-rule quirk on wrong types (docs/api.md#length-quirk; the values below are zod 4.3.6's
// own answers)

// docs/api.md#length-quirk
TEST_CASE("contract: the three length-quirk examples", "[contract]") {
  CHECK(register_details(R"({"name":[]})") == Details{{"name", received("array")},
                                                      {"name", kNameMin},
                                                      {"email", kUndefined},
                                                      {"password", kUndefined}});
  CHECK(register_details(R"({"password":{"length":"x"}})") ==
        Details{{"name", kUndefined},
                {"email", kUndefined},
                {"password", received("object")},
                {"password", kPasswordMin},
                {"password", kPasswordMax}});
  CHECK(register_details(R"({"password":{"length":"50"}})") ==
        Details{{"name", kUndefined}, {"email", kUndefined}, {"password", received("object")}});
}

TEST_CASE("contract: a wrong type's length is compared as JavaScript compares", "[contract]") {
  const Details type_only{{"password", received("object")}};
  const Details type_min{{"password", received("object")}, {"password", kPasswordMin}};
  const Details type_max{{"password", received("object")}, {"password", kPasswordMax}};
  const Details type_min_max{
      {"password", received("object")}, {"password", kPasswordMin}, {"password", kPasswordMax}};
  struct Case {
    const char* length;  // JSON text of the "length" member
    const Details* expected;
  };
  const Case cases[] = {
      {"8", &type_only},
      {"128", &type_only},
      {"7", &type_min},
      {"129", &type_max},
      {"-1", &type_min},
      {"8.5", &type_only},
      {"null", &type_min},  // null compares as 0
      {"true", &type_min},  // true compares as 1
      {"\"50\"", &type_only},
      {"\"x\"", &type_min_max},
      {"\" \"", &type_min},  // "" is 0
      {"\"\"", &type_min},
      {"\"0x10\"", &type_only},
      {"\"-0x10\"", &type_min_max},
      {"\"0b11\"", &type_min},
      {"\"0o777\"", &type_max},
      {"\"1e3\"", &type_max},
      {"\".9e1\"", &type_only},
      {"\"1_0\"", &type_min_max},
      {"\"Infinity\"", &type_max},
      {"\"-Infinity\"", &type_min},
      {"\"infinity\"", &type_min_max},
      {"\"\\u00a0 12\\u3000\"", &type_only},  // JavaScript whitespace around a number
      {"\"\\u0085 12\"", &type_min_max},      // U+0085 is not JavaScript whitespace
      {"[5]", &type_min},
      {"[[\" 9 \"]]", &type_only},
      {"[1,2]", &type_min_max},
      {"[]", &type_min},
      {"[null]", &type_min},
      {"[true]", &type_min_max},
      {"[[[[[[[[[[[[[[[[[[[[9]]]]]]]]]]]]]]]]]]]]", &type_only},  // join sees through nesting
      {"{}", &type_min_max},                                      // "[object Object]"
      {"{\"toString\":1}", &type_min_max},  // the original threw a TypeError (500)
      {"[{\"toString\":1}]", &type_min_max},
      {"1e300", &type_max},
  };
  for (const Case& c : cases) {
    const std::string body =
        R"({"name":"Gabri","email":"a@b.cd","password":{"length":)" + std::string(c.length) + "}}";
    CAPTURE(body);
    CHECK(register_details(body) == *c.expected);
  }
}

TEST_CASE("contract: arrays are measured by element count", "[contract]") {
  CHECK(password_details(nlohmann::json::array()) ==
        Details{{"password", received("array")}, {"password", kPasswordMin}});
  CHECK(password_details(nlohmann::json::array({1})) ==
        Details{{"password", received("array")}, {"password", kPasswordMin}});
  CHECK(password_details(nlohmann::json(std::vector<int>(129, 0))) ==
        Details{{"password", received("array")}, {"password", kPasswordMax}});
  CHECK(register_details(R"({"name":[1,2,3],"email":[],"password":[1]})") ==
        Details{{"name", received("array")},
                {"email", received("array")},
                {"password", received("array")},
                {"password", kPasswordMin}});
  CHECK(refresh_details(R"({"refreshToken":[]})") ==
        Details{{"refreshToken", received("array")}, {"refreshToken", kTokenRequired}});
  CHECK(refresh_details(R"({"refreshToken":{"length":0}})") ==
        Details{{"refreshToken", received("object")}, {"refreshToken", kTokenRequired}});
  CHECK(login_details(R"({"email":"a@b.cd","password":[]})") ==
        Details{{"password", received("array")}, {"password", kPasswordMin}});
}

TEST_CASE("contract: only the object's own last length member counts", "[contract]") {
  CHECK(password_details(nlohmann::json::parse(R"({"a":{"length":1}})")) ==
        Details{{"password", received("object")}});
  CHECK(register_details(
            R"({"name":"Gabri","email":"a@b.cd","password":{"length":1,"length":"50"}})") ==
        Details{{"password", received("object")}});
  CHECK(register_details(
            R"({"name":"Gabri","email":"a@b.cd","password":{"length":"50","length":1}})") ==
        Details{{"password", received("object")}, {"password", kPasswordMin}});
}

TEST_CASE("contract: no format rule and no added limit judges a wrong type", "[contract]") {
  // Formats (email, uuid) never run on wrong types, and libauthkit's own limits judge strings
  // only, so these get exactly the original's details.
  CHECK(register_details(R"({"name":"Gabri","email":{"length":"x"},"password":"12345678"})") ==
        Details{{"email", received("object")}});
  CHECK(register_details(R"({"name":"Gabri","email":[1],"password":"12345678"})") ==
        Details{{"email", received("array")}});
  CHECK(login_details(R"({"email":"a@b.cd","password":{"length":"x"}})") ==
        Details{{"password", received("object")}, {"password", kPasswordMin}});
  CHECK(register_details(R"({"name":{"length":1000},"email":"a@b.cd","password":"12345678"})") ==
        Details{{"name", received("object")}});
  CHECK(refresh_details(R"({"refreshToken":{"length":"x"}})") ==
        Details{{"refreshToken", received("object")}, {"refreshToken", kTokenRequired}});
}

// ---------------------------------------------------------------------------------------------
// Per-schema rules (docs/api.md#request-schemas)

TEST_CASE("contract: RegisterInput rules and boundaries", "[contract]") {
  auto ok = authkit::parse_register_input(
      R"({"name":"  Jo  ","email":"  A.B@C.DE ","password":" 1234567 "})");
  REQUIRE(ok);
  // name and email trimmed (case kept); the password exactly as sent.
  CHECK(*ok == RegisterInput{"Jo", "A.B@C.DE", " 1234567 "});

  CHECK(register_details(register_body_with("name", " J ")) == Details{{"name", kNameMin}});
  CHECK(register_details(register_body_with("name", "")) == Details{{"name", kNameMin}});
  CHECK(register_details(register_body_with("email", "gabri")) == Details{{"email", kEmailFormat}});
  CHECK(register_details(register_body_with("email", "")) == Details{{"email", kEmailFormat}});
  CHECK(password_details("1234567") == Details{{"password", kPasswordMin}});
  CHECK(password_details("") == Details{{"password", kPasswordMin}});
  CHECK(authkit::parse_register_input(register_body_with("password", std::string(8, 'p'))));
  CHECK(authkit::parse_register_input(register_body_with("password", std::string(128, 'p'))));
  CHECK(password_details(std::string(129, 'p')) == Details{{"password", kPasswordMax}});
  // Not trimmed: seven characters and a space is eight.
  CHECK(authkit::parse_register_input(register_body_with("password", "1234567 ")));
  CHECK(password_details("       ") == Details{{"password", kPasswordMin}});
}

TEST_CASE("contract: CreateSessionInput rules", "[contract]") {
  auto ok = authkit::parse_create_session_input(
      R"({"email":"\tGabri@Test.DEV\n","password":"12345678"})");
  REQUIRE(ok);
  CHECK(*ok == CreateSessionInput{"Gabri@Test.DEV", "12345678"});
  CHECK(login_details(R"({"email":"gabri@test","password":"1234567"})") ==
        Details{{"email", kEmailFormat}, {"password", kPasswordMin}});
  // The original has no maximum on login; a long password passes up to libauthkit's limit.
  CHECK(authkit::parse_create_session_input(
      nlohmann::json{{"email", "a@b.cd"}, {"password", std::string(1024, 'p')}}.dump()));
}

TEST_CASE("contract: RefreshTokenInput rules", "[contract]") {
  auto ok = authkit::parse_refresh_token_input(R"({"refreshToken":"  abc.def.ghi \n"})");
  REQUIRE(ok);
  CHECK(ok->refresh_token == "abc.def.ghi");
  CHECK(refresh_details(R"({"refreshToken":"   "})") == Details{{"refreshToken", kTokenRequired}});
  CHECK(refresh_details(R"({"refreshToken":""})") == Details{{"refreshToken", kTokenRequired}});
  CHECK(refresh_details("{}") == Details{{"refreshToken", kUndefined}});
  CHECK(refresh_details(R"({"refresh_token":"abc"})") == Details{{"refreshToken", kUndefined}});
}

// docs/api.md#patterns
TEST_CASE("contract: SessionParams accepts the uuid regex only", "[contract]") {
  for (const char* id : {
           "853581af-4e04-4814-860f-0cfcc7171f5f",
           "853581AF-4E04-4814-860F-0CFCC7171F5F",  // either case
           "00000000-0000-0000-0000-000000000000",  // nil: passes, then 404
           "ffffffff-ffff-ffff-ffff-ffffffffffff",  // max
           "11111111-1111-1111-8111-111111111111",  // version 1
           "11111111-1111-8111-b111-111111111111",  // version 8, variant b
           "11111111-1111-8111-B111-111111111111",
       }) {
    CAPTURE(id);
    auto result = authkit::validate_session_id(id);
    REQUIRE(result);
    CHECK(*result == id);  // returned unchanged (not lower-cased)
  }
  const Details expected{{"sessionId", "sessionId must be a valid uuid"}};
  for (const char* id : {
           "11111111-1111-0111-8111-111111111111",  // version 0
           "11111111-1111-9111-8111-111111111111",  // version 9
           "11111111-1111-4111-c111-111111111111",  // variant c
           "11111111-1111-4111-7111-111111111111",  // variant 7
           "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",  // the max UUID is lowercase only
           "not-a-uuid",
           "",
           " 853581af-4e04-4814-860f-0cfcc7171f5f",  // never trimmed
           "853581af-4e04-4814-860f-0cfcc7171f5f\n",
           "{853581af-4e04-4814-860f-0cfcc7171f5f}",
           "853581af4e044814860f0cfcc7171f5f",
           "853581af-4e04-4814-860f-0cfcc7171f5g",
           "\xff\xfe",
       }) {
    CAPTURE(id);
    CHECK(details_of(authkit::validate_session_id(id)) == expected);
  }
}

// ---------------------------------------------------------------------------------------------
// EMAIL regex (docs/api.md#patterns)

TEST_CASE("contract: the email regex accepts and rejects as zod's does", "[contract]") {
  // The examples of docs/api.md#patterns first, then more probes of each part (checked against
  // zod 4.3.6).
  for (const char* email :
       {"a+b@c.de", "a'b@c.de", "A.B@C.DE", "a@sub.b.cd", "a@b-.cd", "'a@b.cd", "-@b.cd", "_@b.cd",
        "a@1.cd", "a@b.CD", "a.b.c@d.ef", "a@b.c-d.ef", "a@b.cdefghijkl"}) {
    CAPTURE(email);
    CHECK(authkit::detail::matches_email_pattern(email));
    CHECK(authkit::parse_create_session_input(
        nlohmann::json{{"email", email}, {"password", "12345678"}}.dump()));
  }
  for (const char* email :
       {"a..b@c.de", ".a@b.cd",    "a.@b.cd", "a@b.c",   "a@-b.cd",   "\xc3\xa9@b.cd",
        "a@b.c1",    "a_b@c_d.ef", "a'@b.cd", "a@b.cd.", "a@b..cd",   "a@.b.cd",
        "a@@b.cd",   "a@b.c.d",    "@b.cd",   "a@",      "a",         "",
        "a@bcd",     "a b@c.de",   "a@b.c-d", "a@b_.cd", "a\"b@c.de", "a@b.cd@e.fg"}) {
    CAPTURE(email);
    CHECK_FALSE(authkit::detail::matches_email_pattern(email));
    CHECK(login_details(nlohmann::json{{"email", email}, {"password", "12345678"}}.dump()) ==
          Details{{"email", kEmailFormat}});
  }
}

TEST_CASE("contract: the email matcher stays linear on long input", "[contract]") {
  // JavaScript's `$` does not match before a final newline (the field is trimmed first anyway).
  CHECK_FALSE(authkit::detail::matches_email_pattern("a@b.cd\n"));
  const std::string local = repeat("a.", 400000) + "a";
  CHECK(authkit::detail::matches_email_pattern(local + "@b.cd"));
  CHECK_FALSE(authkit::detail::matches_email_pattern(local + "@b.c"));
  CHECK_FALSE(authkit::detail::matches_email_pattern(repeat("a", 800000)));
}

// ---------------------------------------------------------------------------------------------
// JavaScript trim and length on non-ASCII text

TEST_CASE("contract: trimming is String.prototype.trim", "[contract]") {
  using authkit::detail::js_trim;
  // Every character JavaScript trims, one by one, on both sides.
  for (const char* space :
       {"\t", "\n", "\v", "\f", "\r", " ", "\u00a0", "\u1680", "\u2000", "\u2005", "\u200a",
        "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"}) {
    CAPTURE(space);
    CHECK(js_trim(std::string(space) + "ab" + space) == "ab");
  }
  // Unicode White_Space that JavaScript keeps (U+0085) and look-alikes that are not spaces.
  for (const char* kept : {"\u0085", "\u200b", "\u180e", "\u2060", "\x1c"}) {
    CAPTURE(kept);
    CHECK(js_trim(std::string(kept) + "ab") == std::string(kept) + "ab");
  }
  CHECK(js_trim(" \u3000 a b \u00a0 ") == "a b");
  CHECK(js_trim("\u3000\u3000") == "");
  CHECK(js_trim("") == "");
  // Undecodable bytes stop the trimming instead of being taken apart.
  CHECK(js_trim(" \xe3\x80 ") == "\xe3\x80");
  CHECK(js_trim("\x80\x80\x80\x80 ") == "\x80\x80\x80\x80");
}

TEST_CASE("contract: lengths are UTF-16 code units", "[contract]") {
  using authkit::detail::js_length;
  CHECK(js_length("") == 0);
  CHECK(js_length("ab") == 2);
  CHECK(js_length("\xc3\xa9") == 1);  // é
  CHECK(js_length("\u3000") == 1);
  CHECK(js_length("\xf0\x9f\x98\x80") == 2);  // an emoji
  CHECK(js_length("a\xf0\x9f\x98\x80"
                  "b") == 4);
}

TEST_CASE("contract: the length of valid UTF-8 is counted without decoding", "[contract]") {
  using authkit::detail::js_length;
  using authkit::detail::js_length_of_valid_utf8;
  for (const std::string_view text :
       {"", "ab", "\xc3\xa9", "\u3000", "\xf0\x9f\x98\x80",
        "a\xf0\x9f\x98\x80z\xc3\xa9\xe2\x82\xac", "\xf4\x8f\xbf\xbf\xed\x9f\xbf\x7f"}) {
    CAPTURE(text);
    CHECK(js_length_of_valid_utf8(text) == js_length(text));
  }
}

TEST_CASE("contract: trim and length applied to the fields", "[contract]") {
  const std::string emoji = "\xf0\x9f\x98\x80";
  // U+00A0 and U+3000 are trimmed before the length check and from the value kept.
  auto ok = authkit::parse_register_input(nlohmann::json{
      {"name", "\u00a0Jo\u3000"},
      {"email", "\u3000a@b.cd\u00a0"},
      {"password", "12345678"}}.dump());
  REQUIRE(ok);
  CHECK(ok->name == "Jo");
  CHECK(ok->email == "a@b.cd");
  CHECK(register_details(register_body_with("name", "\u00a0J\u3000")) ==
        Details{{"name", kNameMin}});
  CHECK(register_details(register_body_with("name", "\ufeffJ\u2028")) ==
        Details{{"name", kNameMin}});
  // One emoji is two characters for JavaScript: a valid name; é alone is one.
  CHECK(authkit::parse_register_input(register_body_with("name", " " + emoji + " ")));
  CHECK(register_details(register_body_with("name", "\xc3\xa9")) == Details{{"name", kNameMin}});
  // Four emoji make an eight-character password; 64 make 128, 65 make 130.
  CHECK(authkit::parse_register_input(register_body_with("password", repeat(emoji, 4))));
  CHECK(password_details(repeat(emoji, 3) + "a") == Details{{"password", kPasswordMin}});
  CHECK(authkit::parse_register_input(register_body_with("password", repeat(emoji, 64))));
  CHECK(password_details(repeat(emoji, 65)) == Details{{"password", kPasswordMax}});
  // Characters that are not JavaScript whitespace stay: U+200B makes the email invalid.
  CHECK(register_details(register_body_with("email", "\u200ba@b.cd")) ==
        Details{{"email", kEmailFormat}});
  // A JSON-escaped surrogate pair is one emoji.
  auto escaped = authkit::parse_register_input(
      R"({"name":"\ud83d\ude00","email":"a@b.cd","password":"12345678"})");
  REQUIRE(escaped);
  CHECK(escaped->name == emoji);
}

// ---------------------------------------------------------------------------------------------
// libauthkit's input limits (docs/compatibility.md#password-max-length,
// docs/compatibility.md#input-max-lengths)

TEST_CASE("contract: name at most 100 characters, no control characters", "[contract]") {
  CHECK(authkit::parse_register_input(register_body_with("name", std::string(100, 'n'))));
  CHECK(authkit::parse_register_input(
      register_body_with("name", "  " + std::string(100, 'n') + "  ")));
  CHECK(register_details(register_body_with("name", std::string(101, 'n'))) ==
        Details{{"name", kNameMax}});
  const std::string emoji = "\xf0\x9f\x98\x80";
  CHECK(authkit::parse_register_input(register_body_with("name", repeat(emoji, 50))));
  CHECK(register_details(register_body_with("name", repeat(emoji, 50) + "a")) ==
        Details{{"name", kNameMax}});
  for (const std::string& name :
       {std::string("Ga\0bri", 6), std::string("Ga\tbri"), std::string("Ga\nbri"),
        std::string("Ga\x1f"
                    "bri"),
        std::string("Ga\x7f"
                    "bri"),
        std::string("Ga\u0080bri"), std::string("Ga\u009fbri"), std::string("\u0085Gabri\u0085")}) {
    CAPTURE(name);
    CHECK(register_details(register_body_with("name", name)) == Details{{"name", kNameControl}});
  }
  // Trimmed control-like whitespace is gone before the check; U+00A0 inside is no control.
  CHECK(authkit::parse_register_input(register_body_with("name", "\tGa\u00a0bri\n")));
  // All of a field's problems, in order: min, then the control characters.
  CHECK(register_details(register_body_with("name", "\x01")) ==
        Details{{"name", kNameMin}, {"name", kNameControl}});
  CHECK(register_details(register_body_with("name", std::string(101, '\x01'))) ==
        Details{{"name", kNameMax}, {"name", kNameControl}});
}

TEST_CASE("contract: email at most 254 characters", "[contract]") {
  const std::string at_limit = std::string(249, 'a') + "@b.cd";  // 254
  REQUIRE(at_limit.size() == 254);
  CHECK(authkit::parse_register_input(register_body_with("email", " " + at_limit + " ")));
  CHECK(register_details(register_body_with("email", "a" + at_limit)) ==
        Details{{"email", kEmailMax}});
  // The maximum comes before the format.
  CHECK(register_details(register_body_with("email", std::string(255, 'a'))) ==
        Details{{"email", kEmailMax}, {"email", kEmailFormat}});
  CHECK(login_details(nlohmann::json{{"email", "a" + at_limit}, {"password", "12345678"}}.dump()) ==
        Details{{"email", kEmailMax}});
}

TEST_CASE("contract: password at most 128 on register and 1024 on login", "[contract]") {
  CHECK(password_details(std::string(1024, 'p')) == Details{{"password", kPasswordMax}});
  CHECK(authkit::parse_create_session_input(
      nlohmann::json{{"email", "a@b.cd"}, {"password", std::string(1024, 'p')}}.dump()));
  CHECK(login_details(
            nlohmann::json{{"email", "a@b.cd"}, {"password", std::string(1025, 'p')}}.dump()) ==
        Details{{"password", kLoginPasswordMax}});
}

TEST_CASE("contract: refreshToken at most 8192 characters after trimming", "[contract]") {
  const std::string token(8192, 't');
  auto ok = authkit::parse_refresh_token_input(
      nlohmann::json{{"refreshToken", "  " + token + "\n"}}.dump());
  REQUIRE(ok);
  CHECK(ok->refresh_token == token);
  CHECK(refresh_details(nlohmann::json{{"refreshToken", token + "t"}}.dump()) ==
        Details{{"refreshToken", kTokenMax}});
}

// ---------------------------------------------------------------------------------------------
// Typed calls apply the same rules

TEST_CASE("contract: validate() gives the JSON path's details and values", "[contract]") {
  const std::string emoji = "\xf0\x9f\x98\x80";
  const std::vector<RegisterInput> inputs{
      {"Gabri", "gabri@test.dev", "12345678"},
      {"  Jo ", " A.B@C.DE\u3000", " pass word "},
      {"", "", ""},
      {"x", "a..b@c.de", "1234567"},
      {std::string(101, 'n'), std::string(255, 'a'), std::string(129, 'p')},
      {"\u00a0" + emoji + "\u00a0", "a@b.c", repeat(emoji, 65)},
      {std::string("Ga\0bri", 6), "a@b.cd", "12345678"},
  };
  for (const RegisterInput& input : inputs) {
    CAPTURE(input.name, input.email, input.password);
    const std::string body =
        nlohmann::json{{"name", input.name}, {"email", input.email}, {"password", input.password}}
            .dump();
    auto typed = authkit::validate(input);
    auto parsed = authkit::parse_register_input(body);
    REQUIRE(typed.ok() == parsed.ok());
    if (typed) {
      CHECK(*typed == *parsed);
    } else {
      CHECK(typed.error().code == ErrorCode::kInvalidPayload);
      CHECK(typed.error().details == parsed.error().details);
    }
  }
  auto login = authkit::validate(CreateSessionInput{" a@b.cd ", "1234567"});
  CHECK(details_of(login) == Details{{"password", kPasswordMin}});
  auto login_ok = authkit::validate(CreateSessionInput{" a@b.cd ", std::string(1024, 'p')});
  REQUIRE(login_ok);
  CHECK(login_ok->email == "a@b.cd");
  CHECK(details_of(authkit::validate(RefreshTokenInput{" \t "})) ==
        Details{{"refreshToken", kTokenRequired}});
  auto refresh_ok = authkit::validate(RefreshTokenInput{" abc "});
  REQUIRE(refresh_ok);
  CHECK(refresh_ok->refresh_token == "abc");
}

TEST_CASE("contract: validate() refuses strings that are not UTF-8", "[contract]") {
  CHECK(
      details_of(authkit::validate(RegisterInput{"Ga\xff", "a@b.cd\xc0", "1234567\xed\xa0\x80"})) ==
      Details{{"name", "name must be valid UTF-8"},
              {"email", "email must be valid UTF-8"},
              {"password", "password must be valid UTF-8"}});
  CHECK(details_of(authkit::validate(RefreshTokenInput{"\xf8\x88\x80\x80\x80"})) ==
        Details{{"refreshToken", "refreshToken must be valid UTF-8"}});
}

TEST_CASE("contract: normalize_email trims and lower-cases ASCII", "[contract]") {
  CHECK(authkit::normalize_email("  Gabri@Test.DEV\u3000") == "gabri@test.dev");
  CHECK(authkit::normalize_email("A.B+C@D.EF") == "a.b+c@d.ef");
  CHECK(authkit::normalize_email("\xc3\x89@B.CD") == "\xc3\x89@b.cd");  // only ASCII changes
  CHECK(authkit::normalize_email("") == "");
}

// ---------------------------------------------------------------------------------------------
// JavaScript's Number(string), used for the length quirk

TEST_CASE("contract: js_string_to_number follows ECMA-262 StringToNumber", "[contract]") {
  using authkit::detail::js_string_to_number;
  struct Case {
    const char* text;
    double value;
  };
  const Case cases[] = {
      {"", 0},        {"  ", 0},
      {"12", 12},     {" 12 ", 12},
      {"+12", 12},    {"-12", -12},
      {"1.5", 1.5},   {".5", 0.5},
      {"5.", 5},      {"+.5", 0.5},
      {"1e3", 1000},  {"1E3", 1000},
      {"1e+3", 1000}, {"1e-3", 0.001},
      {"00012", 12},  {"0x10", 16},
      {"0X1f", 31},   {"0o17", 15},
      {"0b11", 3},    {"0", 0},
      {"1e-400", 0},  {"0.0000e999999999999", 0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(js_string_to_number(c.text) == c.value);
  }
  CHECK(js_string_to_number("Infinity") == HUGE_VAL);
  CHECK(js_string_to_number("-Infinity") == -HUGE_VAL);
  CHECK(js_string_to_number("1e400") == HUGE_VAL);
  CHECK(js_string_to_number("-1e99999999999999999999") == -HUGE_VAL);
  for (const char* nan : {"x", ".", "e5", "1e", "1e+", "0x", "+0x10", "-0x10", "0x1g", "0b2", "1_0",
                          "infinity", "inf", "nan", "1,2", "\u0085 12", "12abc", "--1"}) {
    CAPTURE(nan);
    CHECK(std::isnan(js_string_to_number(nan)));
  }
}

// ---------------------------------------------------------------------------------------------
// JSON Schema (docs/api.md#openapi, with libauthkit's maxLength limits on the request schemas:
// docs/compatibility.md#schema-max-length)

namespace {

// The original's pattern strings as they appear in JSON (backslashes doubled).
const std::string kEmailJson =
    R"("^(?!\\.)(?!.*\\.\\.)([A-Za-z0-9_'+\\-\\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$")";
const std::string kUuidJson =
    R"("^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$")";
const std::string kDtJson =
    R"("^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?(?:Z))$")";

const std::string kUserJson =
    R"({"type":"object","properties":{"id":{"type":"integer","exclusiveMinimum":0,"maximum":9007199254740991},"name":{"type":"string"},"email":{"type":"string","format":"email","pattern":)" +
    kEmailJson + R"(},"createdAt":{"type":"string","format":"date-time","pattern":)" + kDtJson +
    R"(}},"required":["id","name","email","createdAt"],"additionalProperties":false})";

const std::string kSessionJson =
    R"({"type":"object","properties":{"sessionId":{"type":"string","format":"uuid","pattern":)" +
    kUuidJson +
    R"(},"status":{"type":"string","enum":["ACTIVE","REVOKED","COMPROMISED"]},"createdAt":{"type":"string","format":"date-time","pattern":)" +
    kDtJson + R"(},"lastSeenAt":{"anyOf":[{"type":"string","format":"date-time","pattern":)" +
    kDtJson +
    R"(},{"type":"null"}]},"userAgent":{"anyOf":[{"type":"string"},{"type":"null"}]},"ipAddress":{"anyOf":[{"type":"string"},{"type":"null"}]},"current":{"type":"boolean"}},"required":["sessionId","status","createdAt","lastSeenAt","userAgent","ipAddress","current"],"additionalProperties":false})";

}  // namespace

TEST_CASE("contract: the patterns are the original's regexes", "[contract]") {
  CHECK(nlohmann::json(authkit::detail::kEmailPattern).dump() == kEmailJson);
  CHECK(nlohmann::json(authkit::detail::kUuidPattern).dump() == kUuidJson);
  CHECK(nlohmann::json(authkit::detail::kDateTimePattern).dump() == kDtJson);
}

TEST_CASE("contract: request schemas are the original's plus the enforced maxLength",
          "[contract]") {
  CHECK(
      authkit::json_schema(Schema::kRegisterInput) ==
      R"({"type":"object","properties":{"name":{"type":"string","minLength":2,"maxLength":100},"email":{"type":"string","maxLength":254,"format":"email","pattern":)" +
          kEmailJson +
          R"(},"password":{"type":"string","minLength":8,"maxLength":128}},"required":["name","email","password"],"additionalProperties":false})");
  CHECK(
      authkit::json_schema(Schema::kCreateSessionInput) ==
      R"({"type":"object","properties":{"email":{"type":"string","maxLength":254,"format":"email","pattern":)" +
          kEmailJson +
          R"(},"password":{"type":"string","minLength":8,"maxLength":1024}},"required":["email","password"],"additionalProperties":false})");
  CHECK(
      authkit::json_schema(Schema::kRefreshTokenInput) ==
      R"({"type":"object","properties":{"refreshToken":{"type":"string","minLength":1,"maxLength":8192}},"required":["refreshToken"],"additionalProperties":false})");
  CHECK(
      authkit::json_schema(Schema::kSessionParams) ==
      R"({"type":"object","properties":{"sessionId":{"type":"string","format":"uuid","pattern":)" +
          kUuidJson + R"(}},"required":["sessionId"],"additionalProperties":false})");
}

TEST_CASE("contract: response schemas are exactly the original's", "[contract]") {
  CHECK(authkit::json_schema(Schema::kUser) == kUserJson);
  CHECK(authkit::json_schema(Schema::kSession) == kSessionJson);
  CHECK(
      authkit::json_schema(Schema::kAuthResponse) ==
      R"({"type":"object","properties":{"accessToken":{"type":"string","minLength":1},"refreshToken":{"type":"string","minLength":1},"user":)" +
          kUserJson + R"(,"session":)" + kSessionJson +
          R"(},"required":["accessToken","refreshToken","user","session"],"additionalProperties":false})");
  CHECK(authkit::json_schema(Schema::kRegisterResponse) ==
        R"({"type":"object","properties":{"user":)" + kUserJson +
            R"(},"required":["user"],"additionalProperties":false})");
  CHECK(authkit::json_schema(Schema::kMeResponse) ==
        R"({"type":"object","properties":{"user":)" + kUserJson + R"(,"session":)" + kSessionJson +
            R"(},"required":["user","session"],"additionalProperties":false})");
  CHECK(authkit::json_schema(Schema::kSessionsListResponse) ==
        R"({"type":"object","properties":{"sessions":{"type":"array","items":)" + kSessionJson +
            R"(}},"required":["sessions"],"additionalProperties":false})");
  CHECK(
      authkit::json_schema(Schema::kErrorResponse) ==
      R"({"type":"object","properties":{"error":{"type":"object","properties":{"code":{"type":"string"},"message":{"type":"string"},"details":{"type":"array","items":{"type":"object","properties":{"path":{"type":"string"},"message":{"type":"string"}},"required":["path","message"],"additionalProperties":false}},"correlationId":{"type":"string"}},"required":["code","message","correlationId"],"additionalProperties":false}},"required":["error"],"additionalProperties":false})");
}

TEST_CASE("contract: the component schemas are named and ordered as in /docs.json", "[contract]") {
  std::vector<std::string> names;
  for (Schema schema : authkit::kAllSchemas) {
    names.emplace_back(authkit::schema_name(schema));
    CHECK_FALSE(authkit::json_schema(schema).empty());
  }
  CHECK(names == std::vector<std::string>{"RegisterInput", "CreateSessionInput",
                                          "RefreshTokenInput", "SessionParams", "User", "Session",
                                          "AuthResponse", "RegisterResponse", "MeResponse",
                                          "SessionsListResponse", "ErrorResponse"});
}
