// catch_all: every exception, std::bad_alloc included, becomes INTERNAL_SERVER_ERROR.
#include <catch2/catch.hpp>

#include <new>
#include <stdexcept>
#include <string>

#include "authkit/result.hpp"
#include "base/catch_all.hpp"

using authkit::catch_all;
using authkit::ErrorCode;
using authkit::Result;

TEST_CASE("catch_all: a result passes through untouched") {
  auto ok = catch_all([]() -> Result<int> { return 7; }, "storage: ");
  REQUIRE(ok);
  CHECK(*ok == 7);
  auto failed = catch_all(
      []() -> Result<int> { return authkit::Error(ErrorCode::kUserAlreadyExists); }, "storage: ");
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == ErrorCode::kUserAlreadyExists);
}

TEST_CASE("catch_all: each kind of exception, with the prefix in the diagnostic") {
  const auto thrown = [](auto exception) {
    return catch_all([&]() -> Result<void> { throw exception; }, "storage: ");
  };
  const auto bad_alloc = thrown(std::bad_alloc());
  REQUIRE_FALSE(bad_alloc);
  CHECK(bad_alloc.error().code == ErrorCode::kInternalServerError);
  CHECK(bad_alloc.error().status == 500);
  CHECK(bad_alloc.error().message == "internal server error");
  CHECK(bad_alloc.error().diagnostic == "storage: out of memory");

  const auto runtime = thrown(std::runtime_error("disk on fire"));
  REQUIRE_FALSE(runtime);
  CHECK(runtime.error().code == ErrorCode::kInternalServerError);
  CHECK(runtime.error().diagnostic == "storage: disk on fire");

  const auto other = thrown(42);
  REQUIRE_FALSE(other);
  CHECK(other.error().code == ErrorCode::kInternalServerError);
  CHECK(other.error().diagnostic == "storage: unknown exception");
}

TEST_CASE("catch_all: on_exception hears std::exceptions but bad_alloc, and may throw itself") {
  std::string heard;
  const auto record = [&](const std::exception& e) { heard = e.what(); };
  auto runtime = catch_all([]() -> Result<int> { throw std::logic_error("broken"); }, {}, record);
  REQUIRE_FALSE(runtime);
  CHECK(runtime.error().diagnostic == "broken");
  CHECK(heard == "broken");

  heard.clear();
  auto oom = catch_all([]() -> Result<int> { throw std::bad_alloc(); }, {}, record);
  REQUIRE_FALSE(oom);
  CHECK(oom.error().diagnostic == "out of memory");
  CHECK(heard.empty());  // nothing that allocates is attempted for bad_alloc

  const auto throwing = [](const std::exception&) { throw std::runtime_error("log down"); };
  auto still = catch_all([]() -> Result<int> { throw std::runtime_error("first"); }, {}, throwing);
  REQUIRE_FALSE(still);
  CHECK(still.error().diagnostic == "first");
}
