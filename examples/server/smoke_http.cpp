// The smoke check's requests over cpp-httplib's client. Debian builds cpp-httplib with
// CPPHTTPLIB_OPENSSL_SUPPORT (its pkg-config Cflags), so https verifies the server's
// certificate chain and host name with OpenSSL against the system's authorities.
#include "smoke_http.hpp"

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace authkit::server {
namespace {

// Stops the client's connection when a request outlives its deadline. cpp-httplib's own
// timeouts bound each wait on the socket, so a server that sends a byte now and then would
// never trip them; ClientImpl::stop() shuts the socket down from another thread, which is what
// it is made for.
class RequestDeadline {
 public:
  RequestDeadline(httplib::Client& client, std::chrono::milliseconds limit)
      : watcher_([this, &client, limit] {
          std::unique_lock lock(mutex_);
          if (!done_cv_.wait_for(lock, limit, [this] { return done_; })) {
            expired_ = true;
            client.stop();
          }
        }) {}
  ~RequestDeadline() { finish(); }
  RequestDeadline(const RequestDeadline&) = delete;
  RequestDeadline& operator=(const RequestDeadline&) = delete;

  void finish() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    done_cv_.notify_all();
    if (watcher_.joinable()) watcher_.join();
  }
  bool expired() const { return expired_; }

 private:
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::atomic<bool> expired_{false};
  std::thread watcher_;
};

std::string failure_text(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "could not connect (refused, unreachable, or the host name does not resolve)";
    case httplib::Error::ConnectionTimeout:
      return "could not connect within the timeout";
    case httplib::Error::Read:
      return "the connection closed or went silent before a whole answer arrived";
    case httplib::Error::Write:
      return "the request could not be sent whole";
    case httplib::Error::SSLConnection:
      return "the TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      return "the certificate authorities could not be loaded (--ca-file)";
    case httplib::Error::SSLServerVerification:
      return "the server's TLS certificate was not accepted (not signed by a trusted authority, "
             "or not for this host name; --ca-file names a private authority)";
    default:
      break;
  }
  return "the request failed (" + httplib::to_string(error) + ")";
}

}  // namespace

SmokeHttp::SmokeHttp(const SmokeTarget& target, std::chrono::seconds timeout,
                     const std::string& ca_file, std::string user_agent)
    : target_(target),
      timeout_(timeout),
      user_agent_(std::move(user_agent)),
      client_(std::make_unique<httplib::Client>(target.origin())) {
  const auto seconds = static_cast<time_t>(timeout.count());
  client_->set_connection_timeout(seconds);
  client_->set_read_timeout(seconds);
  client_->set_write_timeout(seconds);
  // A redirect is reported, not followed: a smoke check must talk to the URL it was given.
  client_->set_follow_location(false);
  if (target.scheme == "https") {
    client_->enable_server_certificate_verification(true);
    if (!ca_file.empty()) client_->set_ca_cert_path(ca_file);
  }
}

SmokeHttp::~SmokeHttp() = default;

SmokeAnswer SmokeHttp::send(std::string_view method, std::string_view path,
                            const std::string& json_body, const std::string& bearer,
                            const std::string& correlation_id) {
  SmokeAnswer answer;
  bool too_large = false;
  httplib::Request request;
  request.method = std::string(method);
  request.path = target_.base_path + std::string(path);
  request.set_header("User-Agent", user_agent_);
  request.set_header("Accept", "application/json");
  // Plain bodies only: a compressed answer would be inflated before the size bound applies.
  request.set_header("Accept-Encoding", "identity");
  request.set_header("x-correlation-id", correlation_id);
  if (!bearer.empty()) request.set_header("Authorization", "Bearer " + bearer);
  if (!json_body.empty()) {
    request.set_header("Content-Type", "application/json");
    request.body = json_body;
  }
  request.content_receiver = [&answer, &too_large](const char* data, std::size_t length,
                                                   std::uint64_t, std::uint64_t) {
    if (answer.body.size() + length > kMaxBody) {
      too_large = true;
      return false;
    }
    answer.body.append(data, length);
    return true;
  };

  httplib::Response response;
  httplib::Error error = httplib::Error::Success;
  const auto started = std::chrono::steady_clock::now();
  bool sent = false;
  {
    RequestDeadline deadline(*client_, timeout_);
    sent = client_->send(request, response, error);
    deadline.finish();
    answer.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (deadline.expired()) {
      answer.failure =
          "no whole answer within " + std::to_string(timeout_.count()) + " s (--timeout)";
      return answer;
    }
  }
  if (too_large) {
    answer.failure = "the answer was larger than " + std::to_string(kMaxBody / 1024) + " KiB";
    return answer;
  }
  if (!sent) {
    answer.failure = failure_text(error);
    answer.request_sent =
        error != httplib::Error::Connection && error != httplib::Error::ConnectionTimeout &&
        error != httplib::Error::BindIPAddress && error != httplib::Error::SSLConnection &&
        error != httplib::Error::SSLLoadingCerts && error != httplib::Error::SSLServerVerification;
    return answer;
  }
  answer.answered = true;
  answer.status = response.status;
  answer.location = response.get_header_value("Location");
  return answer;
}

}  // namespace authkit::server
