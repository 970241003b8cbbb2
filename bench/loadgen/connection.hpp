// One worker's HTTP connection (cpp-httplib's client, kept alive between requests unless told
// otherwise), timing every request and recording its outcome under a request name.
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>
#include <string_view>

#include "recorder.hpp"

namespace loadgen {

struct Endpoint {
  std::string host;
  int port = 0;
  std::chrono::milliseconds timeout{30'000};
  bool keep_alive = true;
  std::string source;  // local address to bind before connecting, or empty
};

struct Reply {
  int status = 0;  // 0: no HTTP answer (transport error)
  std::string body;
};

class Connection {
 public:
  explicit Connection(const Endpoint& endpoint);

  // Sends one request; when `recorder` is set, records it under `name`. A bearer token, when
  // not empty, goes in Authorization; a body, when not empty, is sent as JSON.
  Reply get(Recorder* recorder, std::string_view name, const std::string& path,
            const std::string& bearer = {});
  Reply post(Recorder* recorder, std::string_view name, const std::string& path,
             const std::string& json_body);

 private:
  Reply record(Recorder* recorder, std::string_view name, const httplib::Result& result,
               std::chrono::steady_clock::duration elapsed);

  httplib::Client client_;
  std::chrono::milliseconds timeout_;
};

}  // namespace loadgen
