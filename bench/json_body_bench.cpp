// Request-body parsing of 1 MiB bodies: adversarial shapes against a refresh body whose
// refreshToken is one long string, and against nlohmann::json::parse of the same bytes.
// See docs/benchmarks/json-body.md.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdlib>
#include <string>
#include <string_view>

#include "authkit/contract.hpp"

namespace {

constexpr std::size_t kBodySize = 1024 * 1024;  // the server's default body limit

std::string repeat(std::string_view unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

// `prefix`, then `unit` as many times as fit, then `suffix`, then trailing spaces (JSON
// whitespace) up to exactly kBodySize.
std::string filled(std::string_view prefix, std::string_view unit, std::string_view suffix) {
  const std::size_t times = (kBodySize - prefix.size() - suffix.size()) / unit.size();
  std::string body = std::string(prefix) + repeat(unit, times) + std::string(suffix);
  body.resize(kBodySize, ' ');
  return body;
}

// `prefix`, `open` n times, `middle`, `close` n times, `suffix`: the deepest nesting that fits.
std::string nested(std::string_view prefix, std::string_view open, std::string_view middle,
                   std::string_view close, std::string_view suffix) {
  const std::size_t fixed = prefix.size() + middle.size() + suffix.size();
  const std::size_t depth = (kBodySize - fixed) / (open.size() + close.size());
  std::string body = std::string(prefix) + repeat(open, depth) + std::string(middle) +
                     repeat(close, depth) + std::string(suffix);
  body.resize(kBodySize, ' ');
  return body;
}

// The members "aaaa":0,"aaab":0,... : distinct 4-letter keys, as the slow-parse report used.
std::string many_distinct_keys() {
  std::string body = R"({"refreshToken":"x")";
  std::string key = "aaaa";
  while (body.size() + 10 < kBodySize) {
    body += ",\"" + key + "\":0";
    for (std::size_t i = key.size(); i-- > 0;) {  // the next key in base 26
      if (key[i] != 'z') {
        ++key[i];
        break;
      }
      key[i] = 'a';
    }
  }
  body += "}";
  body.resize(kBodySize, ' ');
  return body;
}

// The reference: a refresh body whose refreshToken is one long string.
const std::string& long_token_body() {
  static const std::string body = filled(R"({"refreshToken":")", "a", "\"}");
  return body;
}

const std::string& body_of(int shape) {
  static const std::string bodies[] = {
      long_token_body(),
      many_distinct_keys(),
      filled(R"({"refreshToken":"x")", R"(,"refreshToken":"x")", "}"),
      nested(R"({"refreshToken":"x","deep":)", "[", "", "]", "}"),
      nested(R"({"refreshToken":"x","deep":)", R"({"a":)", "0", "}", "}"),
      nested(R"({"refreshToken":{"length":)", "[", "9", "]", "}}"),
      filled(R"({"refreshToken":"x","long":")", "a", "\"}"),
      filled(R"({"refreshToken":")", R"(\n)", "\"}"),
      filled(R"({"refreshToken":")", R"(\u00e9)", "\"}"),
      filled(R"({"refreshToken":")", R"(\ud83d\ude00)", "\"}"),
      filled(R"({"refreshToken":")", "\xC3\xA9", "\"}"),
      filled(R"({"refreshToken":"x","a":[)", "0,", "0]}"),
      filled(R"({"refreshToken":"x","a":[)", R"("",)", R"(""]})"),
      filled(R"({"refreshToken":"x","n":0.)", "9", "}"),
  };
  return bodies[shape];
}

constexpr const char* kShapeNames[] = {
    "long_token_string",    // the reference: refreshToken is one 1 MiB string
    "distinct_keys",        // ~116,500 distinct unknown members "aaaa":0
    "repeated_known_key",   // refreshToken repeated ~55,000 times (the last one kept)
    "deep_arrays",          // ~524,000 nested arrays in an unknown member
    "deep_objects",         // ~175,000 nested objects in an unknown member
    "deep_length_chain",    // ~524,000 nested arrays as refreshToken.length (read, not skipped)
    "long_unknown_string",  // one 1 MiB string in an unknown member
    "escapes_short",        // refreshToken of ~524,000 \n escapes
    "escapes_unicode",      // refreshToken of ~175,000 \u00e9 escapes
    "escapes_surrogates",   // refreshToken of ~87,000 surrogate-pair escapes
    "raw_utf8",             // refreshToken of ~524,000 two-byte UTF-8 characters
    "many_numbers",         // an unknown array of ~524,000 zeros
    "many_empty_strings",   // an unknown array of ~350,000 empty strings
    "long_number",          // an unknown member: one number of 1 MiB digits
};
constexpr int kShapes = static_cast<int>(std::size(kShapeNames));

// What the server runs on a POST /v1/auth/refresh body: parse and validate.
void BM_Authkit(benchmark::State& state, int shape) {
  const std::string& body = body_of(shape);
  if (body.size() != kBodySize) std::abort();
  for (auto _ : state) {
    auto result = authkit::parse_refresh_token_input(body);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(body.size()));
}

// nlohmann::json::parse to a DOM, then freed: the reference for the same bytes.
void BM_Nlohmann(benchmark::State& state, int shape) {
  const std::string& body = body_of(shape);
  for (auto _ : state) {
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded()) std::abort();
    benchmark::DoNotOptimize(json);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(body.size()));
}

const bool registered = [] {
  for (int shape = 0; shape < kShapes; ++shape) {
    benchmark::RegisterBenchmark((std::string("authkit/") + kShapeNames[shape]).c_str(), BM_Authkit,
                                 shape)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((std::string("nlohmann/") + kShapeNames[shape]).c_str(),
                                 BM_Nlohmann, shape)
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
