// A small metrics registry (counters, gauges, histograms) rendering Prometheus text format 0.0.4.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "authkit/export.hpp"

namespace authkit {
inline namespace v1 {

// A monotonically increasing value. Lock-free; references stay valid for the registry's life.
class AUTHKIT_API Counter {
 public:
  void inc(double amount = 1.0) noexcept;
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// A value that goes up and down.
class AUTHKIT_API Gauge {
 public:
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void inc(double amount = 1.0) noexcept;
  void dec(double amount = 1.0) noexcept { inc(-amount); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Observations counted into fixed buckets (upper bounds, ascending), with their sum and count.
class AUTHKIT_API Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value) noexcept;

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0.0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& upper_bounds() const noexcept { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1 (the +Inf one)
  std::atomic<double> sum_{0.0};
  std::atomic<std::uint64_t> count_{0};
};

enum class MetricType { kCounter, kGauge, kHistogram };

// One metric family: a name, help text, label names, and one child per label-value tuple, in
// the order the tuples were first used. Thread-safe; looking a child up takes a short lock, so
// hot paths keep the returned reference.
template <class Child>
class AUTHKIT_API Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> buckets = {});

  // The child for these label values (as many as label names; created on first use).
  Child& labels(const std::vector<std::string>& values);
  // The child of a family without labels.
  Child& get() { return labels({}); }

  const std::string& name() const noexcept { return name_; }
  const std::string& help() const noexcept { return help_; }
  const std::vector<std::string>& label_names() const noexcept { return label_names_; }

  struct Entry {
    std::vector<std::string> values;
    std::unique_ptr<Child> child;
  };
  // Calls fn(values, child) for each child in first-use order, under the family's lock.
  template <class Fn>
  void for_each(Fn&& fn) const {
    const std::lock_guard lock(mutex_);
    for (const auto& entry : children_) fn(entry.values, *entry.child);
  }

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::vector<double> buckets_;
  mutable std::mutex mutex_;
  std::deque<Entry> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// Holds families in registration order and renders them. Registering a name twice returns the
// existing family (so components may share one). Thread-safe.
class AUTHKIT_API MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  CounterFamily& counter(std::string_view name, std::string_view help,
                         std::vector<std::string> label_names = {});
  GaugeFamily& gauge(std::string_view name, std::string_view help,
                     std::vector<std::string> label_names = {});
  HistogramFamily& histogram(std::string_view name, std::string_view help,
                             std::vector<std::string> label_names, std::vector<double> buckets);

  // Prometheus text exposition format 0.0.4: families in registration order, each
  // "# HELP"/"# TYPE" then its samples, separated by one empty line, ending with one "\n".
  // An unlabelled counter or gauge with no observation prints "name 0"; a labelled family
  // without children prints only its HELP and TYPE lines.
  std::string render() const;

  // The Content-Type to serve render() with.
  static constexpr std::string_view kContentType = "text/plain; charset=utf-8; version=0.0.4";

 private:
  struct Registered;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Registered>> families_;
};

}  // namespace v1
}  // namespace authkit
