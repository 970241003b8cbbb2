// A deterministic stand-in for libFuzzer: runs a target over its seeds and over mutations of
// them from a fixed-seed generator, so every build (GCC, sanitizers) replays the same inputs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "fuzz_target.hpp"

namespace {

std::string mutate(std::string input, std::mt19937_64& rng, const std::vector<std::string>& seeds) {
  std::uniform_int_distribution<int> op(0, 5);
  const int rounds = 1 + static_cast<int>(rng() % 4);
  for (int r = 0; r < rounds; ++r) {
    const std::size_t pos = input.empty() ? 0 : rng() % input.size();
    switch (op(rng)) {
      case 0:  // flip a bit
        if (!input.empty()) input[pos] = static_cast<char>(input[pos] ^ (1 << (rng() % 8)));
        break;
      case 1:  // random byte
        if (!input.empty()) input[pos] = static_cast<char>(rng() & 0xFF);
        break;
      case 2:  // insert a byte
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(pos), static_cast<char>(rng()));
        break;
      case 3:  // delete a run
        if (!input.empty()) input.erase(pos, 1 + rng() % 8);
        break;
      case 4: {  // splice with another seed
        const std::string& other = seeds[rng() % seeds.size()];
        if (!other.empty()) input.insert(pos, other.substr(rng() % other.size(), 1 + rng() % 16));
        break;
      }
      default:  // duplicate a run (grows nesting and repetition)
        if (!input.empty()) input.insert(pos, input.substr(pos, 1 + rng() % 32));
        break;
    }
  }
  return input;
}

}  // namespace

int main(int argc, char** argv) {
  const long iterations = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 20000;
  const std::vector<std::string> seeds = authkit_fuzz::seeds();
  for (const auto& seed : seeds) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(seed.data()), seed.size());
  }
  std::mt19937_64 rng(0x5eed);
  for (long i = 0; i < iterations; ++i) {
    const std::string input = mutate(seeds[rng() % seeds.size()], rng, seeds);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  }
  std::printf("%zu seeds and %ld mutated inputs ran without a crash or sanitizer report\n",
              seeds.size(), iterations);
  return 0;
}
