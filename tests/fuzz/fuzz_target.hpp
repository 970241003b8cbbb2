// The interface every fuzz target implements: libFuzzer's entry point and its seed inputs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace authkit_fuzz {
// Well-formed inputs to start from (libFuzzer gets them as a corpus directory instead).
std::vector<std::string> seeds();
}  // namespace authkit_fuzz
