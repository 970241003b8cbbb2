// The thread_local request state and how it is opened from a request.
#include "request_state.hpp"

#include <vector>

#include "client_ip.hpp"
#include "correlation_id.hpp"

namespace authkit::server {
namespace {

thread_local RequestState current;

}  // namespace

RequestState& request_state(const httplib::Request& req, std::int64_t trust_proxy) {
  if (current.active) return current;
  current.active = true;
  current.start = std::chrono::steady_clock::now();
  std::vector<std::string> ids;
  const auto count = req.get_header_value_count("x-correlation-id");
  for (std::size_t i = 0; i < count; ++i)
    ids.push_back(req.get_header_value("x-correlation-id", i));
  current.correlation_id = correlation_id_from(ids);
  // remote_addr is the socket peer (never a header: httplib also copies it into a
  // REMOTE_ADDR header a client could have sent as well).
  // Repeated X-Forwarded-For headers count as one list, as Node joins them.
  std::string forwarded;
  const auto hops = req.get_header_value_count("X-Forwarded-For");
  for (std::size_t i = 0; i < hops; ++i) {
    if (i > 0) forwarded += ", ";
    forwarded += req.get_header_value("X-Forwarded-For", i);
  }
  current.client_ip = client_ip(req.remote_addr, forwarded, trust_proxy);
  current.route.clear();
  current.user_id.clear();
  current.session_id.clear();
  return current;
}

void close_request_state() noexcept { current.active = false; }

}  // namespace authkit::server
