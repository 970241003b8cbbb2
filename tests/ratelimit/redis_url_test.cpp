// REDIS_URL parsing: what is accepted, what is refused, and that no message repeats a password.
#include <catch2/catch.hpp>

#include "authkit/rate_limiter_factory.hpp"
#include "ratelimit/redis/redis_url.hpp"

using authkit::describe;
using authkit::parse_redis_url;

TEST_CASE("redis url: host, port, password, user and database", "[ratelimit][url]") {
  auto plain = parse_redis_url("redis://localhost");
  REQUIRE(plain);
  CHECK(plain->host == "localhost");
  CHECK(plain->port == 6379);
  CHECK(plain->password.empty());
  CHECK(plain->db == 0);

  auto full = parse_redis_url("redis://:p%40ss@10.1.2.3:6380/3");
  REQUIRE(full);
  CHECK(full->host == "10.1.2.3");
  CHECK(full->port == 6380);
  CHECK(full->username.empty());
  CHECK(full->password == "p@ss");
  CHECK(full->db == 3);
  CHECK(describe(*full) == "10.1.2.3:6380/3");

  auto acl = parse_redis_url("redis://app:secret@redis.internal:7000/");
  REQUIRE(acl);
  CHECK(acl->username == "app");
  CHECK(acl->password == "secret");
  CHECK(acl->host == "redis.internal");
  CHECK(acl->db == 0);

  auto ipv6 = parse_redis_url("redis://[::1]:6390/1");
  REQUIRE(ipv6);
  CHECK(ipv6->host == "::1");
  CHECK(ipv6->port == 6390);
  CHECK(describe(*ipv6) == "[::1]:6390/1");
}

TEST_CASE("redis url: rediss:// is refused, saying why", "[ratelimit][url]") {
  auto tls = parse_redis_url("rediss://:topsecret@cache.example.com:6380/0");
  REQUIRE_FALSE(tls);
  CHECK(tls.error().code == authkit::ErrorCode::kInvalidConfiguration);
  CHECK(tls.error().message.find("rediss://") != std::string::npos);
  CHECK(tls.error().message.find("TLS") != std::string::npos);
  CHECK(tls.error().message.find("topsecret") == std::string::npos);
  CHECK(tls.error().diagnostic.find("topsecret") == std::string::npos);

  // The factory gives the same answer (it is what a server calls with REDIS_URL).
  auto limiter = authkit::make_rate_limiter(std::string("rediss://:topsecret@cache:6380"));
  REQUIRE_FALSE(limiter);
  CHECK(limiter.error().message.find("TLS") != std::string::npos);
  CHECK(limiter.error().message.find("topsecret") == std::string::npos);
}

TEST_CASE("redis url: malformed URLs are refused with a clear message and no password",
          "[ratelimit][url]") {
  struct Case {
    const char* url;
    const char* says;
  };
  for (const Case& c : {
           Case{"http://:hunter2hunter2@localhost:6379", "redis://"},
           Case{"localhost:6379", "redis://"},
           Case{"redis://:hunter2hunter2@", "host"},
           Case{"redis://:hunter2hunter2@:6379", "host"},
           Case{"redis://:hunter2hunter2@localhost:0", "port"},
           Case{"redis://:hunter2hunter2@localhost:65536", "port"},
           Case{"redis://:hunter2hunter2@localhost:abc", "port"},
           Case{"redis://:hunter2hunter2@localhost:", "port"},
           Case{"redis://:hunter2hunter2@localhost/x", "database"},
           Case{"redis://:hunter2hunter2@localhost/-1", "database"},
           Case{"redis://:hunter2hunter2@localhost/?db=1", "query"},
           Case{"redis://:hunter2%zz@localhost", "percent"},
           Case{"redis://:hunter2hunter2@[::1", "IPv6"},
       }) {
    CAPTURE(c.url);
    auto parsed = parse_redis_url(c.url);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == authkit::ErrorCode::kInvalidConfiguration);
    CHECK(parsed.error().message.find(c.says) != std::string::npos);
    CHECK(parsed.error().message.find("hunter2") == std::string::npos);
    CHECK(parsed.error().diagnostic.find("hunter2") == std::string::npos);
    // The factory names the variable the URL came from.
    auto made = authkit::make_rate_limiter(std::string(c.url));
    REQUIRE_FALSE(made);
    CHECK(made.error().message.rfind("REDIS_URL: ", 0) == 0);
    CHECK(made.error().message.find("hunter2") == std::string::npos);
  }
}

TEST_CASE("factory: no URL gives the memory limiter", "[ratelimit]") {
  auto limiter = authkit::make_rate_limiter(std::nullopt);
  REQUIRE(limiter);
  auto d = (*limiter)->hit("auth", "ip", authkit::RateLimit{});
  REQUIRE(d);
  CHECK(d->mode == authkit::RateLimitMode::kMemory);
  CHECK((*limiter)->ping());
  CHECK((*limiter)->fallback_total() == 0);
}
