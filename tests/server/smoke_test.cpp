// The smoke check's pure parts: its --url, its options, and the redaction of secrets from what a
// deployment answers (the steps themselves run against real servers in tests/e2e).
#include <catch2/catch.hpp>
#include <string>
#include <variant>
#include <vector>

#include "smoke_check.hpp"
#include "smoke_options.hpp"
#include "smoke_target.hpp"
#include "text.hpp"

using namespace authkit::server;

namespace {

SmokeTarget target_of(const char* url) {
  auto parsed = parse_smoke_target(url);
  INFO(url);
  REQUIRE(std::holds_alternative<SmokeTarget>(parsed));
  return std::get<SmokeTarget>(parsed);
}

std::string problem_of(const char* url) {
  auto parsed = parse_smoke_target(url);
  INFO(url);
  REQUIRE(std::holds_alternative<std::string>(parsed));
  return std::get<std::string>(parsed);
}

std::variant<SmokeOptions, std::string> options_of(std::vector<const char*> args) {
  std::vector<char*> argv;
  for (const char* arg : args) argv.push_back(const_cast<char*>(arg));
  return parse_smoke_options(argv);
}

}  // namespace

TEST_CASE("smoke: URLs name a scheme, host, port and path prefix", "[server]") {
  auto t = target_of("https://auth.example.com");
  CHECK(t.scheme == "https");
  CHECK(t.host == "auth.example.com");
  CHECK(t.port == 443);
  CHECK(t.base_path.empty());
  CHECK(t.url_of("/v1/auth/me") == "https://auth.example.com/v1/auth/me");

  t = target_of("http://127.0.0.1:3000/");
  CHECK(t.port == 3000);
  CHECK(t.base_path.empty());
  CHECK(t.origin() == "http://127.0.0.1:3000");

  t = target_of("http://example.com/auth/api//");
  CHECK(t.port == 80);
  CHECK(t.base_path == "/auth/api");
  CHECK(target_of("https://example.com:80").origin() == "https://example.com:80");

  t = target_of("https://[::1]:8443/x");
  CHECK(t.host == "::1");
  CHECK(t.origin() == "https://[::1]:8443");
  CHECK(t.url_of("/health") == "https://[::1]:8443/x/health");
}

TEST_CASE("smoke: URLs it cannot honour are refused with the reason", "[server]") {
  CHECK(problem_of("example.com").find("http:// or https://") != std::string::npos);
  CHECK(problem_of("ftp://example.com").find("http:// or https://") != std::string::npos);
  CHECK(problem_of("https://").find("no host") != std::string::npos);
  CHECK(problem_of("https://:443").find("no host") != std::string::npos);
  CHECK(problem_of("https://u:secret@example.com").find("user information") != std::string::npos);
  CHECK(problem_of("https://u:secret@example.com").find("secret") == std::string::npos);
  CHECK(problem_of("https://example.com/?a=1").find("query") != std::string::npos);
  CHECK(problem_of("https://example.com#top").find("fragment") != std::string::npos);
  for (const char* port : {"https://example.com:0", "https://example.com:65536",
                           "https://example.com:80x", "https://example.com:"}) {
    CHECK(problem_of(port).find("port") != std::string::npos);
  }
  CHECK(problem_of("https://exa mple.com").find("host") != std::string::npos);
  CHECK(problem_of("https://[::1").find("]") != std::string::npos);
  CHECK(problem_of("https://[::g]").find("IPv6") != std::string::npos);
  CHECK(problem_of("https://example.com/a b").find("path") != std::string::npos);
  CHECK(problem_of("https://example.com/%2e").find("path") != std::string::npos);
}

TEST_CASE("smoke: options", "[server]") {
  auto parsed = options_of(
      {"--url", "http://localhost:3000", "--timeout=3", "--email-domain", "smoke.example.org"});
  REQUIRE(std::holds_alternative<SmokeOptions>(parsed));
  const auto& options = std::get<SmokeOptions>(parsed);
  CHECK(options.target.port == 3000);
  CHECK(options.timeout == std::chrono::seconds(3));
  CHECK(options.email_domain == "smoke.example.org");
  CHECK(options.ca_file.empty());
  CHECK_FALSE(options.help);

  const auto defaults = std::get<SmokeOptions>(options_of({"--url=https://a.example"}));
  CHECK(defaults.timeout == std::chrono::seconds(10));
  CHECK(defaults.email_domain == "example.com");

  CHECK(std::get<SmokeOptions>(options_of({"--help"})).help);

  const auto problem = [](std::vector<const char*> args) {
    auto result = options_of(std::move(args));
    REQUIRE(std::holds_alternative<std::string>(result));
    return std::get<std::string>(result);
  };
  CHECK(problem({}) == "--url is required");
  CHECK(problem({"--url"}) == "--url needs a value");
  CHECK(problem({"--url", "http://a.b", "--url", "http://a.b"}) == "--url is given twice");
  CHECK(problem({"--url", "http://a.b", "--timeout", "301"}).starts_with("--timeout"));
  CHECK(problem({"--url", "http://a.b", "--timeout", "1.5"}).starts_with("--timeout"));
  CHECK(problem({"--url", "http://a.b", "--email-domain", "a@b.c"}).starts_with("--email"));
  CHECK(problem({"--url", "http://a.b", "--ca-file", "/nonexistent/ca.pem"}) ==
        "--ca-file: cannot read /nonexistent/ca.pem");
  CHECK(problem({"--url", "http://a.b", "extra"}) == "unexpected argument 3");
  CHECK(problem({"--url", "gopher://a.b"}).starts_with("--url: "));
}

TEST_CASE("smoke: secrets are redacted wherever they occur", "[server]") {
  const std::vector<std::string> secrets{"pa55word", "tok.en.value", ""};
  CHECK(redact("no secret here", secrets) == "no secret here");
  CHECK(redact("pa55word", secrets) == "[redacted]");
  CHECK(redact("a pa55wordpa55word b tok.en.value", secrets) ==
        "a [redacted][redacted] b [redacted]");
  // A secret that is a substring of the mark cannot make the loop run forever.
  CHECK(redact("[redacted] x", {"red"}) == "[[redacted]acted] x");
}
