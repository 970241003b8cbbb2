// authkit-server: the reference HTTP server of libauthkit (serve, migrate, purge, routes, smoke,
// import-original).
#include <authkit/json_lines_sink.hpp>
#include <authkit/store.hpp>
#include <authkit/version.hpp>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include "authkit/backends.hpp"

#include "app.hpp"
#include "env_file.hpp"
#include "import_options.hpp"
#if defined(AUTHKIT_SERVER_IMPORT)
#include "import_original.hpp"
#endif
#include "server_config.hpp"
#include "signals.hpp"
#include "smoke_check.hpp"
#include "smoke_options.hpp"

namespace {

using authkit::server::App;

constexpr int kExitConfig = 2;  // configuration or usage error

constexpr const char* kUsage = R"(Usage: authkit-server [COMMAND]

Commands:
  serve      serve the REST contract on PORT (the default command)
  migrate    apply the database migrations to DATABASE_URL and exit
  purge      delete sessions and tokens that ended more than PURGE_RETENTION ago, and exit
  routes     print the routes of the server, one "METHOD PATH" a line, and exit
  smoke      check a live deployment end to end: smoke --url URL (smoke --help)
  import-original
             copy the original service's users, sessions and tokens into DATABASE_URL:
             import-original --from postgresql://... (import-original --help)

Options:
  --version  print the version and exit
  --help     print this help and exit

Configuration comes from the environment (docs/configuration.md); a .env file in the working
directory is read first and never overrides a variable that is already set. `smoke` is a client
of a running server and reads no configuration.
)";

// The configuration: a .env in the working directory first (never overriding a variable that
// is set), then the environment. nullopt once the problem is printed: the message names every
// bad variable and never holds a value that could be a secret.
std::optional<authkit::server::ServerConfig> load_config() {
  if (const auto problem = authkit::server::load_env_file(".env"); !problem.empty()) {
    std::fprintf(stderr, "authkit-server: %s\n", problem.c_str());
    return std::nullopt;
  }
  auto config = authkit::server::ServerConfig::from_env();
  if (!config) {
    std::fprintf(stderr, "authkit-server: %s\n", config.error().message.c_str());
    return std::nullopt;
  }
  return std::move(*config);
}

// A subcommand's options, or nothing when it is done: --help printed its usage (`exit_code` 0),
// or a problem was printed with it (`exit_code` 2).
template <class Options>
std::optional<Options> options_or_done(const char* name, const char* usage,
                                       std::variant<Options, std::string> parsed, int& exit_code) {
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    std::fprintf(stderr, "authkit-server %s: %s\n\n%s", name, problem->c_str(), usage);
    exit_code = kExitConfig;
    return std::nullopt;
  }
  auto& options = std::get<Options>(parsed);
  if (options.help) {
    std::fputs(usage, stdout);
    exit_code = 0;
    return std::nullopt;
  }
  return std::move(options);
}

std::span<char* const> subcommand_args(int argc, char** argv) {
  return {argv + 2, static_cast<std::size_t>(argc - 2)};
}

// `authkit-server smoke ...`: a client of another server, so no .env, no configuration, and no
// blocked signals (Ctrl-C must stop it).
int smoke(int argc, char** argv) {
  int exit_code = 0;
  const auto options =
      options_or_done("smoke", authkit::server::kSmokeUsage,
                      authkit::server::parse_smoke_options(subcommand_args(argc, argv)), exit_code);
  if (!options) return exit_code;
  return authkit::server::run_smoke_check(*options, stdout, stderr);
}

// A subcommand's failures are answers it prints; an exception (memory, a library's) ends it
// as one.
int run_guarded(const char* name, int (*command)(int, char**), int argc, char** argv) noexcept {
  try {
    return command(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "authkit-server %s: stopped by an internal error: %s\n", name, e.what());
  } catch (...) {
    std::fprintf(stderr, "authkit-server %s: stopped by an internal error\n", name);
  }
  return 1;
}

// `authkit-server import-original ...`: a batch job, so no blocked signals: Ctrl-C ends it at
// once, and as a batch is one transaction, nothing is half copied.
int import_original(int argc, char** argv) {
  int exit_code = 0;
  const auto options = options_or_done(
      "import-original", authkit::server::kImportUsage,
      authkit::server::parse_import_options(subcommand_args(argc, argv)), exit_code);
  if (!options) return exit_code;
  const auto config = load_config();
  if (!config) return kExitConfig;
#if defined(AUTHKIT_SERVER_IMPORT)
  return authkit::server::run_import_original(*options, config->library.database_url, stdout,
                                              stderr);
#else
  std::fputs(
      "authkit-server import-original: this server was built without PostgreSQL "
      "(AUTHKIT_WITH_POSTGRES=OFF)\n",
      stderr);
  return 1;
#endif
}

int migrate(const authkit::Config& config) {
  auto store = authkit::open_store(config.database_url);
  if (!store) {
    std::fprintf(stderr, "authkit-server: cannot open the database: %s\n",
                 authkit::server::startup_error_text(store.error()).c_str());
    return 1;
  }
  auto report = (*store)->migrate();
  if (!report) {
    std::fprintf(stderr, "authkit-server: migration failed: %s\n",
                 authkit::server::startup_error_text(report.error()).c_str());
    return 1;
  }
  std::string applied;
  for (const int version : report->applied) {
    if (!applied.empty()) applied += ", ";
    applied += std::to_string(version);
  }
  std::printf("authkit-server: database schema at version %d (%s)\n", report->current_version,
              applied.empty() ? "already up to date" : ("applied " + applied).c_str());
  return 0;
}

int purge(App& app) {
  if (auto opened = app.open(); !opened) {
    std::fprintf(stderr, "authkit-server: cannot start: %s\n",
                 authkit::server::startup_error_text(opened.error()).c_str());
    return 1;
  }
  auto purged = app.purge();
  if (!purged) {
    std::fprintf(stderr, "authkit-server: purge failed: %s\n",
                 authkit::server::startup_error_text(purged.error()).c_str());
    return 1;
  }
  std::printf("authkit-server: purged %lld sessions and %lld tokens\n",
              static_cast<long long>(purged->sessions_deleted),
              static_cast<long long>(purged->tokens_deleted));
  return 0;
}

int print_routes(App& app) {
  for (const auto& route : app.http().routes()) {
    std::printf("%s %s%s\n", route.method.c_str(), route.path.c_str(),
                route.doc ? "" : " (undocumented)");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "smoke") {
    return run_guarded("smoke", smoke, argc, argv);
  }
  if (argc >= 2 && std::string_view(argv[1]) == "import-original") {
    return run_guarded("import-original", import_original, argc, argv);
  }

  // Before any thread exists: every thread inherits the mask, and only the signal thread
  // takes SIGTERM/SIGINT (with sigwait).
  authkit::server::block_shutdown_signals();

  std::string_view command = "serve";
  if (argc > 2) {
    std::fputs(kUsage, stderr);
    return kExitConfig;
  }
  if (argc == 2) command = argv[1];
  if (command == "--version" || command == "-V") {
    // The server's own version, then the library's it loaded (a newer 1.y may be installed).
    const std::string_view library = authkit::library_version();
    std::printf("authkit-server %s (libauthkit %.*s)\n", AUTHKIT_VERSION_STRING,
                static_cast<int>(library.size()), library.data());
    return 0;
  }
  if (command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command != "serve" && command != "migrate" && command != "purge" && command != "routes") {
    std::fprintf(stderr, "authkit-server: unknown command \"%s\"\n\n%s",
                 std::string(command).c_str(), kUsage);
    return kExitConfig;
  }

  auto config = load_config();
  if (!config) return kExitConfig;
  if (command == "migrate") return migrate(config->library);

  const auto level = config->log_level.value_or(authkit::LogLevel::kSilent);
  auto sink = std::make_shared<authkit::JsonLinesSink>(stdout, level);
  App app(std::move(*config), sink);
  if (command == "routes") return print_routes(app);
  if (command == "purge") return purge(app);
  return authkit::server::serve(app);
}
