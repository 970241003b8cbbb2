/// @file
/// A small metrics registry (counters, gauges, histograms) rendering Prometheus text format 0.0.4.
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

/// A monotonically increasing value. Lock-free; references stay valid for the registry's life.
class AUTHKIT_API Counter {
 public:
  void inc(double amount = 1.0) noexcept;  ///< Adds `amount` (not negative).
  /// The current count.
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// A value that goes up and down.
class AUTHKIT_API Gauge {
 public:
  /// Sets the gauge to `value`.
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void inc(double amount = 1.0) noexcept;                   ///< Adds `amount`.
  void dec(double amount = 1.0) noexcept { inc(-amount); }  ///< Subtracts `amount`.
  /// The current value.
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// Observations counted into fixed buckets (upper bounds, ascending), with their sum and count.
class AUTHKIT_API Histogram {
 public:
  /// A histogram with the given bucket upper bounds (ascending; +Inf is implied).
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value) noexcept;  ///< Counts `value` in its bucket, the sum and the count.

  /// A consistent copy of the histogram's state.
  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  ///< one per bound, then +Inf
    double sum = 0.0;                       ///< The sum of every observed value.
    std::uint64_t count = 0;                ///< How many values were observed.
  };
  Snapshot snapshot() const;  ///< The histogram's state, read at one instant.
  /// The bucket upper bounds.
  const std::vector<double>& upper_bounds() const noexcept { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  ///< bounds_.size() + 1 (the +Inf one)
  std::atomic<double> sum_{0.0};
  std::atomic<std::uint64_t> count_{0};
};

/// The Prometheus TYPE of a family.
enum class MetricType { kCounter, kGauge, kHistogram };

/// One metric family: a name, help text, label names, and one child per label-value tuple, in
/// the order the tuples were first used. Thread-safe; looking a child up takes a short lock, so
/// hot paths keep the returned reference.
template <class Child>
class AUTHKIT_API Family {
 public:
  /// A family named `name` with its HELP text, label names and (histograms) buckets.
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> buckets = {});

  /// The child for these label values (as many as label names; created on first use).
  Child& labels(const std::vector<std::string>& values);
  /// The child of a family without labels.
  Child& get() { return labels({}); }

  const std::string& name() const noexcept { return name_; }  ///< The metric's name.
  const std::string& help() const noexcept { return help_; }  ///< The HELP text.
  /// The label names, in order.
  const std::vector<std::string>& label_names() const noexcept { return label_names_; }

  /// One child of the family: its label values and the metric itself.
  struct Entry {
    std::vector<std::string> values;  ///< The label values, in the order of label_names().
    std::unique_ptr<Child> child;     ///< The child metric.
  };
  /// Calls fn(values, child) for each child in first-use order, under the family's lock.
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

using CounterFamily = Family<Counter>;      ///< A family of counters.
using GaugeFamily = Family<Gauge>;          ///< A family of gauges.
using HistogramFamily = Family<Histogram>;  ///< A family of histograms.

/// Holds families in registration order and renders them. Registering a name twice returns the
/// existing family (so components may share one). Thread-safe.
class AUTHKIT_API MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  /// The counter family `name`, made on first use.
  CounterFamily& counter(std::string_view name, std::string_view help,
                         std::vector<std::string> label_names = {});
  /// The gauge family `name`, made on first use.
  GaugeFamily& gauge(std::string_view name, std::string_view help,
                     std::vector<std::string> label_names = {});
  /// The histogram family `name` with `buckets`, made on first use.
  HistogramFamily& histogram(std::string_view name, std::string_view help,
                             std::vector<std::string> label_names, std::vector<double> buckets);

  /// Prometheus text exposition format 0.0.4: families in registration order, each
  /// "# HELP"/"# TYPE" then its samples, separated by one empty line, ending with one "\n".
  /// An unlabelled counter or gauge with no observation prints "name 0"; a labelled family
  /// without children prints only its HELP and TYPE lines.
  std::string render() const;

  /// The Content-Type to serve render() with.
  static constexpr std::string_view kContentType = "text/plain; charset=utf-8; version=0.0.4";

 private:
  struct Registered;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Registered>> families_;
};

}  // namespace v1
}  // namespace authkit
