// The HTTP edge's pure rules: reading a head under limits, framing a request, and the elastic
// thread pool's bounds (the e2e suite drives the same rules over sockets).
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

#include "elastic_thread_pool.hpp"
#include "request_framing.hpp"
#include "request_head.hpp"

using namespace authkit::server;

namespace {

HeadScanner::State scan_all(HeadScanner& scanner, const std::string& bytes) {
  return scanner.scan(bytes);
}

// Feeds `bytes` one byte more at a time, as a slow client would send them.
HeadScanner::State scan_bytewise(HeadScanner& scanner, const std::string& bytes) {
  auto state = HeadScanner::State::kNeedMore;
  for (std::size_t i = 1; i <= bytes.size() && state == HeadScanner::State::kNeedMore; ++i) {
    state = scanner.scan(std::string_view(bytes).substr(0, i));
  }
  return state;
}

httplib::Request request(std::string method,
                         std::initializer_list<std::pair<std::string, std::string>> headers,
                         std::string version = "HTTP/1.1") {
  httplib::Request req;
  req.method = std::move(method);
  req.version = std::move(version);
  for (const auto& [name, value] : headers) req.headers.emplace(name, value);
  return req;
}

constexpr std::uint64_t kLimit = 1024 * 1024;

}  // namespace

TEST_CASE("edge: a head is read whole, what follows it kept", "[server][edge]") {
  const std::string head = "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n";
  const std::string bytes = head + "{}GET /health HTTP/1.1\r\n";
  for (const bool bytewise : {false, true}) {
    CAPTURE(bytewise);
    HeadScanner scanner({});
    const auto state = bytewise ? scan_bytewise(scanner, bytes) : scan_all(scanner, bytes);
    REQUIRE(state == HeadScanner::State::kComplete);
    CHECK(scanner.head() == head);
    CHECK(scanner.consumed() == head.size());
    CHECK(scanner.problem() == HeadProblem::kNone);
  }
}

TEST_CASE("edge: Range fields and empty lines before the request line are dropped",
          "[server][edge]") {
  HeadScanner scanner({});
  const std::string bytes =
      "\r\n\r\nGET /v1/auth/me HTTP/1.1\r\nRange: bytes=0-1\r\nrAnGe: bytes=5-1\r\n"
      "X-Range: kept\r\nAccept: */*\r\n\r\n";
  REQUIRE(scanner.scan(bytes) == HeadScanner::State::kComplete);
  CHECK(scanner.head() == "GET /v1/auth/me HTTP/1.1\r\nX-Range: kept\r\nAccept: */*\r\n\r\n");
  CHECK(scanner.consumed() == bytes.size());
}

TEST_CASE("edge: heads over the byte or field limit fail, linear in what was sent",
          "[server][edge]") {
  SECTION("bytes, in whole lines") {
    HeadScanner scanner({.max_bytes = 1024, .max_fields = 1000});
    std::string bytes = "GET / HTTP/1.1\r\n";
    while (bytes.size() <= 1024) bytes += "X-Pad: " + std::string(50, 'a') + "\r\n";
    REQUIRE(scanner.scan(bytes) == HeadScanner::State::kFailed);
    CHECK(scanner.problem() == HeadProblem::kTooLarge);
    // The whole lines before the limit are there for the parser, without an end.
    CHECK(scanner.head().starts_with("GET / HTTP/1.1\r\nX-Pad: "));
    CHECK_FALSE(scanner.head().ends_with("\r\n\r\n"));
  }
  SECTION("bytes, in one line that never ends") {
    HeadScanner scanner({.max_bytes = 1024, .max_fields = 100});
    CHECK(scan_bytewise(scanner, "GET /" + std::string(2000, 'a')) == HeadScanner::State::kFailed);
    CHECK(scanner.problem() == HeadProblem::kTooLarge);
    CHECK_FALSE(scanner.has_request_line());
  }
  SECTION("field count") {
    HeadScanner scanner({.max_bytes = 1 << 20, .max_fields = 3});
    std::string bytes = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 3; ++i) bytes += "A: b\r\n";
    CHECK(scanner.scan(bytes + "\r\n") == HeadScanner::State::kComplete);
    HeadScanner over({.max_bytes = 1 << 20, .max_fields = 3});
    CHECK(over.scan(bytes + "A: b\r\n\r\n") == HeadScanner::State::kFailed);
    CHECK(over.problem() == HeadProblem::kTooManyFields);
  }
  SECTION("the default limits: 16 KiB, 100 fields") {
    const HeadLimits limits;
    CHECK(limits.max_bytes == 16384);
    CHECK(limits.max_fields == 100);
  }
}

TEST_CASE("edge: malformed heads fail (smuggling grounds)", "[server][edge]") {
  for (const std::string bytes : {
           "GET / HTTP/1.1\nHost: x\r\n\r\n",                 // bare LF, request line
           "GET / HTTP/1.1\r\nHost: x\n\r\n",                 // bare LF, field line
           "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",       // obs-fold
           "GET / HTTP/1.1\r\nContent-Length : 5\r\n\r\n",    // space before colon
           "GET / HTTP/1.1\r\n: nameless\r\n\r\n",            // no name
           "GET / HTTP/1.1\r\nno colon here\r\n\r\n",         // no colon
           "POST / HTTP/1.1\r\nContent-Length: %35\r\n\r\n",  // percent-decoded by httplib
       }) {
    CAPTURE(bytes);
    HeadScanner scanner({});
    CHECK(scanner.scan(bytes) == HeadScanner::State::kFailed);
    CHECK(scanner.problem() == HeadProblem::kMalformed);
  }
}

TEST_CASE("edge: framing from Content-Length and Transfer-Encoding", "[server][edge]") {
  using Refusal = Framing::Refusal;
  SECTION("a valid length frames the body and keeps the connection") {
    const auto framing = frame_request(request("POST", {{"Content-Length", "17"}}), kLimit);
    CHECK(framing.refusal == Refusal::kNone);
    CHECK(framing.body_bytes == 17);
    CHECK_FALSE(framing.close);
    CHECK(frame_request(request("POST", {{"Content-Length", "1048576"}}), kLimit).refusal ==
          Refusal::kNone);
  }
  SECTION("no length: an empty body, and the connection closes after a body method") {
    const auto post = frame_request(request("POST", {}), kLimit);
    CHECK(post.refusal == Refusal::kNone);
    CHECK(post.body_bytes == 0);
    CHECK(post.close);
    const auto get = frame_request(request("GET", {}), kLimit);
    CHECK(get.body_bytes == 0);
    CHECK_FALSE(get.close);
  }
  SECTION("too large, by value or by digits") {
    for (const char* length : {"1048577", "99999999999999999999999"}) {
      CAPTURE(length);
      const auto framing = frame_request(request("POST", {{"Content-Length", length}}), kLimit);
      CHECK(framing.refusal == Refusal::kTooLarge);
      CHECK(framing.close);
    }
  }
  SECTION("invalid lengths") {
    for (const char* length : {"-1", "+5", "5 5", "5,5", "0x10", "1e3", "abc", " "}) {
      CAPTURE(length);
      const auto framing = frame_request(request("POST", {{"Content-Length", length}}), kLimit);
      CHECK(framing.refusal == Refusal::kInvalidContentLength);
      CHECK(framing.close);
    }
    const auto repeated =
        frame_request(request("POST", {{"Content-Length", "5"}, {"Content-Length", "5"}}), kLimit);
    CHECK(repeated.refusal == Refusal::kInvalidContentLength);
  }
  SECTION("any Transfer-Encoding, with or without a length") {
    for (const char* coding : {"chunked", "gzip, chunked", "identity", "Chunked"}) {
      CAPTURE(coding);
      const auto framing = frame_request(
          request("POST", {{"Transfer-Encoding", coding}, {"Content-Length", "3"}}), kLimit);
      CHECK(framing.refusal == Refusal::kTransferEncoding);
      CHECK(framing.close);
    }
  }
  SECTION("the client's Connection options and HTTP/1.0") {
    CHECK(frame_request(request("GET", {{"Connection", "keep-alive, Close"}}), kLimit).close);
    CHECK(frame_request(request("GET", {}, "HTTP/1.0"), kLimit).close);
    CHECK_FALSE(
        frame_request(request("GET", {{"Connection", "Keep-Alive"}}, "HTTP/1.0"), kLimit).close);
  }
}

TEST_CASE("edge: the elastic pool grows past its floor, bounds its line and sheds",
          "[server][edge]") {
  std::mutex mutex;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> started{0};
  std::atomic<int> shed{0};
  const auto blocker = [&] {
    if (ElasticThreadPool::shedding()) {
      ++shed;
      return;
    }
    ++started;
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return release; });
  };
  {
    ElasticThreadPool pool({.min_threads = 2,
                            .max_threads = 4,
                            .max_waiting = 3,
                            .idle_retire = std::chrono::milliseconds(50)});
    for (int i = 0; i < 4 + 3 + 2; ++i) pool.enqueue(blocker);
    // Four run at once (two beyond the floor), three wait, two are shed on this thread.
    CHECK(shed == 2);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (started < 4 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    CHECK(started == 4);
    CHECK(pool.has_waiting());
    const auto busy = pool.stats();
    CHECK(busy.threads == 4);
    CHECK(busy.waiting == 3);
    CHECK(busy.shed == 2);
    {
      const std::lock_guard lock(mutex);
      release = true;
    }
    cv.notify_all();
    pool.shutdown();  // runs the three waiting tasks, then joins
    CHECK(started == 7);
    CHECK(pool.stats().peak_threads == 4);
  }
}

TEST_CASE("edge: threads above the floor retire when idle", "[server][edge]") {
  ElasticThreadPool pool({.min_threads = 1,
                          .max_threads = 8,
                          .max_waiting = 8,
                          .idle_retire = std::chrono::milliseconds(20)});
  std::atomic<int> done{0};
  std::mutex mutex;
  std::condition_variable cv;
  bool release = false;
  for (int i = 0; i < 6; ++i) {
    pool.enqueue([&] {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return release; });
      ++done;
    });
  }
  CHECK(pool.stats().threads == 6);
  {
    const std::lock_guard lock(mutex);
    release = true;
  }
  cv.notify_all();
  // Bounded by iterations: each idle thread above the floor exits after 20 ms.
  for (int i = 0; i < 500 && pool.stats().threads > 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(done == 6);
  CHECK(pool.stats().threads == 1);
  pool.enqueue([&] { ++done; });  // joins the retired threads
  pool.shutdown();
  CHECK(done == 7);
}
