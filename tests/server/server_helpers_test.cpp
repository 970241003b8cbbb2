// authkit-server's helpers: each rule of the server that a black-box test reaches only in part.
#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "body.hpp"
#include "client_ip.hpp"
#include "correlation_id.hpp"
#include "env_file.hpp"
#include "header_fields.hpp"
#include "json_text.hpp"
#include "openapi.hpp"
#include "route.hpp"

using namespace authkit::server;

TEST_CASE("server: .env entries, quotes, comments and export", "[server]") {
  const auto parsed = parse_env_text(
      "# comment\n"
      "\n"
      "PLAIN=value\n"
      "  SPACED =  padded value   \n"
      "export EXPORTED=yes\n"
      "HASH=a#b # trailing comment\n"
      "SINGLE='lit\\n #eral' # comment\n"
      "DOUBLE=\"line1\\nline2 \\\"q\\\" \\\\\"\n"
      "MULTI=\"first\nsecond\"\n"
      "EMPTY=\n"
      "PLAIN=again\r\n");
  REQUIRE(parsed.error.empty());
  const EnvEntries expected{{"PLAIN", "value"},         {"SPACED", "padded value"},
                            {"EXPORTED", "yes"},        {"HASH", "a#b"},
                            {"SINGLE", "lit\\n #eral"}, {"DOUBLE", "line1\nline2 \"q\" \\"},
                            {"MULTI", "first\nsecond"}, {"EMPTY", ""},
                            {"PLAIN", "again"}};
  CHECK(parsed.entries == expected);
}

TEST_CASE("server: .env errors name the line, never the value", "[server]") {
  const auto unterminated = parse_env_text("A=1\nSECRET=\"s3cr3t-value\n");
  CHECK(unterminated.error == "line 2: unterminated quoted value of SECRET");
  const auto no_equals = parse_env_text("A=1\n\nJUST_A_WORD\n");
  CHECK(no_equals.error == "line 3: expected '=' after JUST_A_WORD");
  const auto bad_key = parse_env_text("1X=2\n");
  CHECK(bad_key.error == "line 1: expected KEY=VALUE");
  const auto trailing = parse_env_text("K='v' s3cr3t\n");
  CHECK(trailing.error.find("s3cr3t") == std::string::npos);
  CHECK_FALSE(trailing.error.empty());
}

TEST_CASE("server: client IP from the socket and trusted X-Forwarded-For hops", "[server]") {
  CHECK(plain_ip("::ffff:127.0.0.1") == "127.0.0.1");
  CHECK(plain_ip("::FFFF:10.0.0.1") == "10.0.0.1");
  CHECK(plain_ip("::ffff:zz") == "::ffff:zz");
  CHECK(plain_ip("2001:db8::1") == "2001:db8::1");

  const std::string xff = "198.51.100.1, 203.0.113.2 ,192.0.2.3";
  CHECK(client_ip("::ffff:10.0.0.9", xff, 0) == "10.0.0.9");
  CHECK(client_ip("10.0.0.9", xff, 1) == "192.0.2.3");
  CHECK(client_ip("10.0.0.9", xff, 2) == "203.0.113.2");
  CHECK(client_ip("10.0.0.9", xff, 3) == "198.51.100.1");
  CHECK(client_ip("10.0.0.9", xff, 9) == "198.51.100.1");  // shorter list: the left-most
  CHECK(client_ip("10.0.0.9", "", 2) == "10.0.0.9");
  CHECK(client_ip("10.0.0.9", "::ffff:192.0.2.7", 1) == "192.0.2.7");
  CHECK(client_ip("10.0.0.9", "2001:db8::2", 1) == "2001:db8::2");
  // A spoofed non-address stops the walk at the last good address.
  CHECK(client_ip("10.0.0.9", "198.51.100.1, <script>", 2) == "10.0.0.9");
  CHECK(client_ip("10.0.0.9", "evil, 192.0.2.3", 2) == "192.0.2.3");
}

TEST_CASE("server: route patterns are case-insensitive and tolerate one trailing slash",
          "[server]") {
  const std::regex health(route_pattern("/health"));
  CHECK(std::regex_match("/health", health));
  CHECK(std::regex_match("/HEALTH", health));
  CHECK(std::regex_match("/health/", health));
  CHECK_FALSE(std::regex_match("/health//", health));
  CHECK_FALSE(std::regex_match("/healthz", health));
  const std::regex docs(route_pattern("/docs.json"));
  CHECK(std::regex_match("/DOCS.JSON", docs));
  CHECK_FALSE(std::regex_match("/docsxjson", docs));
  const std::regex session(route_pattern("/v1/auth/sessions/{sessionId}"));
  std::smatch match;
  const std::string path = "/V1/Auth/Sessions/AbC-1/";
  REQUIRE(std::regex_match(path, match, session));
  CHECK(match[1].str() == "AbC-1");
  CHECK_FALSE(std::regex_match("/v1/auth/sessions/", session));
  CHECK_FALSE(std::regex_match("/v1/auth/sessions/a/b", session));
}

// docs/api.md#request-body, docs/compatibility.md#body-parser-errors
TEST_CASE("server: the JSON body rule of Content-Type", "[server]") {
  CHECK(json_body("application/json", "{}").text == "{}");
  CHECK(json_body("Application/JSON ; charset=UTF-8", "{}").text == "{}");
  CHECK(json_body("application/json; charset=\"utf-16\"", "{}").text == "{}");
  CHECK(json_body("application/json;foo=bar", "").text == "");
  CHECK_FALSE(json_body("", "{}").text);
  CHECK_FALSE(json_body("text/plain", "{}").text);
  CHECK_FALSE(json_body("application/vnd.api+json", "{}").text);
  CHECK_FALSE(json_body("application/x-www-form-urlencoded", "a=b").text);
  const auto latin1 = json_body("application/json; charset=latin1", "{}");
  CHECK(latin1.unsupported_charset);
  CHECK_FALSE(latin1.text);
}

// docs/compatibility.md#request-log-and-correlation-id
TEST_CASE("server: correlation ids are validated before use", "[server]") {
  CHECK(is_valid_correlation_id("abc-123"));
  CHECK(is_valid_correlation_id(std::string(128, 'x')));
  CHECK_FALSE(is_valid_correlation_id(std::string(129, 'x')));
  CHECK_FALSE(is_valid_correlation_id(""));
  CHECK_FALSE(is_valid_correlation_id("a\nb"));
  CHECK_FALSE(is_valid_correlation_id("caf\xC3\xA9"));
  CHECK(correlation_id_from({"a", "b"}) == "a, b");
  CHECK(correlation_id_from({"  padded "}) == "padded");
  const auto fresh = correlation_id_from({"bad\x01"});
  CHECK(fresh.size() == 36);
  CHECK(fresh[14] == '4');
  CHECK(correlation_id_from({}).size() == 36);
}

// docs/api.md#openapi, docs/compatibility.md#openapi-document
TEST_CASE("server: servers of /docs.json", "[server]") {
  const std::string local = R"({"url":"http://localhost:3000","description":"Local server"})";
  CHECK(servers_json({"", "", "", 0, 3000}) == "[" + local + "]");
  CHECK(servers_json({"", "", "localhost:3000", 0, 3000}) == "[" + local + "]");
  CHECK(servers_json({"", "", "x.example", 0, 3000}) ==
        R"([{"url":"https://x.example","description":"Current server"},)" + local + "]");
  CHECK(servers_json({"https", "evil.example", "x.example", 0, 3000}).find("evil") ==
        std::string::npos);
  CHECK(servers_json({"https, http", "api.example, b", "internal", 1, 3000})
            .starts_with(R"([{"url":"https://api.example")"));
  CHECK(servers_json({"ftp", "localhost:8080", "", 1, 3000})
            .starts_with(R"([{"url":"http://localhost:8080")"));
  CHECK(servers_json({"", "", "LOCALHOST.evil.com", 0, 3000})
            .starts_with(R"([{"url":"https://LOCALHOST.evil.com")"));
  CHECK(
      servers_json({"", "", "[::1]:3000", 0, 3000}).starts_with(R"([{"url":"http://[::1]:3000")"));
  CHECK(servers_json({"", "", "a b", 0, 4000}) ==
        R"([{"url":"http://localhost:4000","description":"Local server"}])");
}

TEST_CASE("server: message bodies", "[server]") {
  CHECK(message_body("docs disabled") == R"({"message":"docs disabled"})");
  CHECK(message_body("a\"b") == R"({"message":"a\"b"})");
}

TEST_CASE("server: header values are read whole, NUL bytes included", "[server]") {
  httplib::Request req;
  req.headers.emplace("authorization", std::string("Bearer abc\0junk", 15));
  req.headers.emplace("Authorization", "Bearer second");
  const auto value = first_header_value(req, "Authorization");
  REQUIRE(value.has_value());
  CHECK(*value == std::string("Bearer abc\0junk", 15));
  CHECK_FALSE(first_header_value(req, "User-Agent").has_value());
}

TEST_CASE("server: an empty field is found in the raw head only", "[server]") {
  const std::string head =
      "GET / HTTP/1.1\r\nHost: x\r\nuser-agent:\r\nX-Blank: \t \r\nX-Full: a\r\n\r\n";
  CHECK(has_empty_field(head, "User-Agent"));
  CHECK(has_empty_field(head, "x-blank"));
  CHECK_FALSE(has_empty_field(head, "X-Full"));
  CHECK_FALSE(has_empty_field(head, "Host"));
  CHECK_FALSE(has_empty_field(head, "Accept"));
  // The request line is never a field, and nothing after the head's end counts.
  CHECK_FALSE(has_empty_field("User-Agent: HTTP/1.1\r\nHost: x\r\n\r\n", "User-Agent"));
  CHECK_FALSE(has_empty_field("GET / HTTP/1.1\r\nHost: x\r\n\r\nUser-Agent:\r\n", "User-Agent"));
  CHECK(has_empty_field("GET / HTTP/1.1\nUser-Agent:", "User-Agent"));  // bare LF, no end
  CHECK_FALSE(has_empty_field("", "User-Agent"));
}
