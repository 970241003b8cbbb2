// import-original's pure parts: its options and its progress output (the import itself runs
// against real databases in tests/import).
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <variant>
#include <vector>

#include "import_options.hpp"
#include "import_progress.hpp"

using namespace authkit::server;

namespace {

std::variant<ImportOptions, std::string> options_of(std::vector<const char*> args) {
  std::vector<char*> argv;
  for (const char* arg : args) argv.push_back(const_cast<char*>(arg));
  return parse_import_options(argv);
}

ImportOptions accepted(std::vector<const char*> args) {
  auto parsed = options_of(std::move(args));
  if (auto* problem = std::get_if<std::string>(&parsed)) FAIL(*problem);
  return std::get<ImportOptions>(parsed);
}

std::string refused(std::vector<const char*> args) {
  auto parsed = options_of(std::move(args));
  REQUIRE(std::holds_alternative<std::string>(parsed));
  return std::get<std::string>(parsed);
}

// What `progress` wrote, through a temporary file (not a terminal).
template <class Write>
std::string written(ProgressMode mode, Write write) {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  {
    ImportProgress progress(mode, file, 1200);
    write(progress);
  }
  std::rewind(file);
  std::string out;
  for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file))
    out.push_back(static_cast<char>(c));
  std::fclose(file);
  return out;
}

}  // namespace

TEST_CASE("import-original: options, with their defaults", "[server]") {
  auto o = accepted({"--from", "postgresql://u:pw@db:5432/auth"});
  CHECK(o.from == "postgresql://u:pw@db:5432/auth");
  CHECK(o.batch_size == 500);
  CHECK(o.progress == ProgressMode::kAuto);

  o = accepted({"--from=postgres://db/auth", "--batch-size", "10000", "--progress=lines"});
  CHECK(o.batch_size == 10000);
  CHECK(o.progress == ProgressMode::kLines);
  CHECK(accepted({"--from", "postgres://db/a", "--progress", "never"}).progress ==
        ProgressMode::kNever);
  CHECK(accepted({"--batch-size", "1", "--from", "postgres://db/a"}).batch_size == 1);
  CHECK(accepted({"--help"}).help);
}

TEST_CASE("import-original: bad options are refused without echoing the URL", "[server]") {
  CHECK(refused({}) == "--from is required");
  CHECK(refused({"--batch-size", "5"}) == "--from is required");
  const auto not_pg = refused({"--from", "mysql://u:secret@db/auth"});
  CHECK(not_pg.find("postgresql://") != std::string::npos);
  CHECK(not_pg.find("secret") == std::string::npos);
  for (const char* size : {"0", "10001", "-1", "12x", ""}) {
    INFO(size);
    CHECK(refused({"--from", "postgres://db/a", "--batch-size", size}).find("1 to 10000") !=
          std::string::npos);
  }
  CHECK(refused({"--from", "postgres://db/a", "--progress", "bar"}) ==
        "--progress must be auto, lines or never");
  CHECK(refused({"--from", "postgres://db/a", "--from", "postgres://db/b"}) ==
        "--from is given twice");
  CHECK(refused({"--from"}) == "--from needs a value");
  CHECK(refused({"--to", "x"}) == "unknown option \"--to\"");
  // A URL pasted where it does not go is never repeated: it may hold a password.
  CHECK(refused({"--form=postgresql://u:S3cret@db/a"}) == "unknown option \"--form\"");
  CHECK(refused({"postgresql://u:S3cret@db/a"}) == "unexpected argument 1");
}

TEST_CASE("import-original: progress is a line a batch when asked, nothing off a terminal",
          "[server]") {
  const auto lines = written(ProgressMode::kLines, [](ImportProgress& p) {
    p.batch_done(1, 500, 15000, 0.5);
    p.batch_done(3, 1200, 36000, 1.0);
    p.finish();
  });
  CHECK(lines ==
        "import-original: batch 1: users 500/1200 (41%)\n"
        "import-original: batch 3: users 1200/1200 (100%)\n");
  const auto quiet = written(ProgressMode::kAuto, [](ImportProgress& p) {
    p.batch_done(1, 500, 15000, 0.5);
    p.finish();
  });
  CHECK(quiet.empty());
  CHECK(written(ProgressMode::kNever, [](ImportProgress& p) { p.batch_done(1, 1, 1, 1); }).empty());
}
