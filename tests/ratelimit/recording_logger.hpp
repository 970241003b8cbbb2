// A Logger that keeps every event, for asserting what (and how often) the library logs.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "authkit/logger.hpp"
#include "log_fields_text.hpp"

namespace authkit::test {

class RecordingLogger final : public Logger {
 public:
  struct Event {
    LogLevel level;
    std::string name;
    LogFields fields;
  };

  void log(LogLevel level, std::string_view event, const LogFields& fields) noexcept override {
    std::lock_guard lock(mutex_);
    events_.push_back(Event{level, std::string(event), fields});
  }

  std::vector<Event> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

  // Every field value that is a string, concatenated: for "no secret anywhere" checks.
  std::string all_text() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& e : events_) {
      out += e.name + testing::fields_text(e.fields) + "\n";
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Event> events_;
};

}  // namespace authkit::test
