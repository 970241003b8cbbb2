// JsonLinesSink: pino-compatible JSON lines for logs and audit events.
#include "authkit/json_lines_sink.hpp"

#include <unistd.h>

#include <cmath>

#include "base/text.hpp"

namespace authkit {
inline namespace v1 {
namespace {

void append_value(std::string& out, const LogValue& value) {
  std::visit(
      [&out](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          out += text::json_quote(v);
        } else if constexpr (std::is_same_v<V, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<V, double>) {
          if (std::isfinite(v)) {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%.17g", v);
            out += buffer;
          } else {
            out += "null";
          }
        } else {
          out += std::to_string(v);
        }
      },
      value);
}

void append_fields(std::string& out, const LogFields& fields) {
  for (const auto& [name, value] : fields) {
    out += ',';
    out += text::json_quote(name);
    out += ':';
    append_value(out, value);
  }
}

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "unknown";
  return buffer;
}

}  // namespace

AuditSink::~AuditSink() = default;

JsonLinesSink::JsonLinesSink(std::FILE* out, LogLevel min_level, std::shared_ptr<const Clock> clock)
    : out_(out), min_level_(min_level), clock_(std::move(clock)) {
  prefix_fields_ =
      ",\"pid\":" + std::to_string(getpid()) + ",\"hostname\":" + text::json_quote(host_name());
}

std::string JsonLinesSink::format(LogLevel level, std::string_view msg,
                                  const LogFields& fields) const {
  std::string line = "{\"level\":" + std::to_string(static_cast<int>(level)) +
                     ",\"time\":" + std::to_string(clock_->now().time_since_epoch().count());
  line += prefix_fields_;
  append_fields(line, fields);
  line += ",\"msg\":";
  line += text::json_quote(msg);
  line += "}\n";
  return line;
}

void JsonLinesSink::log(LogLevel level, std::string_view event, const LogFields& fields) noexcept {
  if (level < min_level_) return;
  try {
    write_line(format(level, event, fields));
  } catch (...) {
    // Logging must never take the caller down; a line lost to memory exhaustion is acceptable.
  }
}

void JsonLinesSink::record(const AuditEvent& event) noexcept {
  if (LogLevel::kInfo < min_level_) return;
  try {
    LogFields fields;
    fields.reserve(event.fields.size() + 2);
    fields.emplace_back("event", event.event);
    fields.emplace_back("correlationId", event.correlation_id);
    fields.insert(fields.end(), event.fields.begin(), event.fields.end());
    write_line(format(LogLevel::kInfo, "auth_audit", fields));
  } catch (...) {
  }
}

void JsonLinesSink::write_line(const std::string& line) noexcept {
  const std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace v1
}  // namespace authkit
