// The interface every fuzz target implements: libFuzzer's entry point and its seed inputs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace authkit_fuzz {
// Well-formed inputs to start from (libFuzzer gets them as a corpus directory instead).
std::vector<std::string> seeds();

// An oracle's verdict: aborts (a crash to libFuzzer and to the replay) naming the broken
// property, so that a finding says which property broke, not only where.
inline void expect(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz oracle: %s\n", property);
  std::abort();
}
}  // namespace authkit_fuzz
