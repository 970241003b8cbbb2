// A deterministic stand-in for libFuzzer: runs a target over its seeds, over the files of the
// corpus directories it is given (the seed corpus and the replay cases of fixed crashes), and
// over mutations of the seeds from a fixed-seed generator, so every build (GCC, sanitizers)
// replays the same inputs.
//
//   <target>_fuzz_replay [ITERATIONS [DIR...]]   replay (ctest label `fuzz`)
//   <target>_fuzz_replay --write-seeds DIR        write the built-in seeds as files (the seed
//                                                 corpus of tests/fuzz/corpus/<target>)
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
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

void run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes seed-<n> files; the seed corpus in the tree is made this way and kept small.
int write_seeds(const std::filesystem::path& dir, const std::vector<std::string>& seeds) {
  std::filesystem::create_directories(dir);
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    std::ofstream out(dir / ("seed-" + std::to_string(i)), std::ios::binary);
    out.write(seeds[i].data(), static_cast<std::streamsize>(seeds[i].size()));
    if (!out) return 1;
  }
  std::printf("%zu seeds written to %s\n", seeds.size(), dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> seeds = authkit_fuzz::seeds();
  if (argc == 3 && std::string_view(argv[1]) == "--write-seeds") return write_seeds(argv[2], seeds);
  const long iterations = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 20000;
  for (const auto& seed : seeds) run(seed);
  std::size_t files = 0;
  for (int i = 2; i < argc; ++i) {
    if (!std::filesystem::is_directory(argv[i])) continue;  // a target without replay cases yet
    for (const auto& entry : std::filesystem::directory_iterator(argv[i])) {
      if (!entry.is_regular_file()) continue;
      run(read_file(entry.path()));
      ++files;
    }
  }
  std::mt19937_64 rng(0x5eed);
  for (long i = 0; i < iterations; ++i) run(mutate(seeds[rng() % seeds.size()], rng, seeds));
  std::printf(
      "%zu seeds, %zu corpus files and %ld mutated inputs ran without a crash or sanitizer "
      "report\n",
      seeds.size(), files, iterations);
  return 0;
}
