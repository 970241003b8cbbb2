// The metrics registry and its Prometheus text exposition (format 0.0.4).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <variant>

#include "authkit/metrics.hpp"

namespace authkit {
inline namespace v1 {
namespace {

// Prometheus renders numbers as Go's strconv does: integers without a fraction, others in the
// shortest round-trip form; +Inf/-Inf/NaN spelled out.
std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  // Prefer the shortest representation that reads back to the same double.
  for (int precision = 1; precision < 17; ++precision) {
    char shorter[32];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, value);
    if (std::strtod(shorter, nullptr) == value) return shorter;
  }
  return buffer;
}

// Label values escape backslash, double quote and line feed.
void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

// HELP text escapes backslash and line feed.
void append_help(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

// {a="x",b="y"} plus an optional extra label (le="..." for histogram buckets); nothing if empty.
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out.push_back('{');
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += names[i];
    out += "=\"";
    append_label_value(out, values[i]);
    out.push_back('"');
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out.push_back(',');
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out.push_back('"');
  }
  out.push_back('}');
}

void append_sample(std::string& out, std::string_view name, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, double value,
                   std::string_view extra_name = {}, std::string_view extra_value = {}) {
  out += name;
  append_labels(out, names, values, extra_name, extra_value);
  out.push_back(' ');
  out += format_value(value);
  out.push_back('\n');
}

template <class F>
void render_simple(std::string& out, const F& family) {
  family.for_each([&](const std::vector<std::string>& values, const auto& child) {
    append_sample(out, family.name(), family.label_names(), values, child.value());
  });
}

void render_histogram(std::string& out, const HistogramFamily& family) {
  family.for_each([&](const std::vector<std::string>& values, const Histogram& histogram) {
    const auto snapshot = histogram.snapshot();
    const auto& bounds = histogram.upper_bounds();
    const std::string bucket = family.name() + "_bucket";
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      append_sample(out, bucket, family.label_names(), values,
                    static_cast<double>(snapshot.cumulative[i]), "le", format_value(bounds[i]));
    }
    append_sample(out, bucket, family.label_names(), values,
                  static_cast<double>(snapshot.cumulative.back()), "le", "+Inf");
    append_sample(out, family.name() + "_sum", family.label_names(), values, snapshot.sum);
    append_sample(out, family.name() + "_count", family.label_names(), values,
                  static_cast<double>(snapshot.count));
  });
}

}  // namespace

void Counter::inc(double amount) noexcept {
  if (amount > 0) value_.fetch_add(amount, std::memory_order_relaxed);
}

void Gauge::inc(double amount) noexcept { value_.fetch_add(amount, std::memory_order_relaxed); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  std::sort(bounds_.begin(), bounds_.end());
}

void Histogram::observe(double value) noexcept {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(running);
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  snapshot.count = running;
  return snapshot;
}

template <class Child>
Family<Child>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                      std::vector<double> buckets)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)) {}

template <class Child>
Child& Family<Child>::labels(const std::vector<std::string>& values) {
  const std::lock_guard lock(mutex_);
  for (auto& entry : children_) {
    if (entry.values == values) return *entry.child;
  }
  // A wrong number of values is a programming error; pad or cut so output stays well-formed.
  std::vector<std::string> fitted = values;
  fitted.resize(label_names_.size());
  for (auto& entry : children_) {
    if (entry.values == fitted) return *entry.child;
  }
  std::unique_ptr<Child> child;
  if constexpr (std::is_same_v<Child, Histogram>) {
    child = std::make_unique<Histogram>(buckets_);
  } else {
    child = std::make_unique<Child>();
  }
  children_.push_back(Entry{std::move(fitted), std::move(child)});
  return *children_.back().child;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct MetricsRegistry::Registered {
  MetricType type;
  std::variant<std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>,
               std::unique_ptr<HistogramFamily>>
      family;
  const std::string& name() const {
    return std::visit([](const auto& f) -> const std::string& { return f->name(); }, family);
  }
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

CounterFamily& MetricsRegistry::counter(std::string_view name, std::string_view help,
                                        std::vector<std::string> label_names) {
  const std::lock_guard lock(mutex_);
  for (auto& r : families_) {
    if (r->name() == name && r->type == MetricType::kCounter) {
      return *std::get<std::unique_ptr<CounterFamily>>(r->family);
    }
  }
  auto family =
      std::make_unique<CounterFamily>(std::string(name), std::string(help), std::move(label_names));
  auto& ref = *family;
  if (ref.label_names().empty()) ref.get();  // an unlabelled family shows its zero value
  families_.push_back(
      std::make_unique<Registered>(Registered{MetricType::kCounter, std::move(family)}));
  return ref;
}

GaugeFamily& MetricsRegistry::gauge(std::string_view name, std::string_view help,
                                    std::vector<std::string> label_names) {
  const std::lock_guard lock(mutex_);
  for (auto& r : families_) {
    if (r->name() == name && r->type == MetricType::kGauge) {
      return *std::get<std::unique_ptr<GaugeFamily>>(r->family);
    }
  }
  auto family =
      std::make_unique<GaugeFamily>(std::string(name), std::string(help), std::move(label_names));
  auto& ref = *family;
  if (ref.label_names().empty()) ref.get();  // an unlabelled family shows its zero value
  families_.push_back(
      std::make_unique<Registered>(Registered{MetricType::kGauge, std::move(family)}));
  return ref;
}

HistogramFamily& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                            std::vector<std::string> label_names,
                                            std::vector<double> buckets) {
  const std::lock_guard lock(mutex_);
  for (auto& r : families_) {
    if (r->name() == name && r->type == MetricType::kHistogram) {
      return *std::get<std::unique_ptr<HistogramFamily>>(r->family);
    }
  }
  auto family = std::make_unique<HistogramFamily>(std::string(name), std::string(help),
                                                  std::move(label_names), std::move(buckets));
  auto& ref = *family;
  if (ref.label_names().empty()) ref.get();  // an unlabelled family shows its zero value
  families_.push_back(
      std::make_unique<Registered>(Registered{MetricType::kHistogram, std::move(family)}));
  return ref;
}

std::string MetricsRegistry::render() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  bool first = true;
  for (const auto& r : families_) {
    if (!first) out.push_back('\n');
    first = false;
    std::visit(
        [&](const auto& family) {
          out += "# HELP " + family->name() + " ";
          append_help(out, family->help());
          out += "\n# TYPE " + family->name() + " ";
          out += r->type == MetricType::kCounter ? "counter"
                 : r->type == MetricType::kGauge ? "gauge"
                                                 : "histogram";
          out.push_back('\n');
          using F = std::decay_t<decltype(*family)>;
          if constexpr (std::is_same_v<F, HistogramFamily>) {
            render_histogram(out, *family);
          } else {
            render_simple(out, *family);
          }
        },
        r->family);
  }
  return out;
}

}  // namespace v1
}  // namespace authkit
