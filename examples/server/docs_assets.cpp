// The embedded Swagger UI files (.incbin of the build directory's copy; never committed).
#include "docs_assets.hpp"

#include <array>

namespace authkit::server {

#ifdef AUTHKIT_SWAGGER_UI_DIR

// The assembler copies each file into .rodata: no multi-megabyte generated C++ source, and the
// build re-embeds when the file changes (CMake lists them as OBJECT_DEPENDS).
#define AUTHKIT_EMBED(symbol, file)                                                \
  asm(".section .rodata\n"                                                         \
      ".global " #symbol "_begin\n.hidden " #symbol "_begin\n.balign 16\n" #symbol \
      "_begin:\n.incbin \"" AUTHKIT_SWAGGER_UI_DIR "/" file "\"\n.global " #symbol \
      "_end\n.hidden " #symbol "_end\n" #symbol "_end:\n.byte 0\n.previous\n");    \
  extern "C" const char symbol##_begin[];                                          \
  extern "C" const char symbol##_end[]

AUTHKIT_EMBED(authkit_swagger_css, "swagger-ui.css");
AUTHKIT_EMBED(authkit_swagger_bundle, "swagger-ui-bundle.js");
AUTHKIT_EMBED(authkit_swagger_preset, "swagger-ui-standalone-preset.js");

namespace {

std::string_view span(const char* begin, const char* end) {
  return {begin, static_cast<std::size_t>(end - begin)};
}

const std::array<DocsAsset, 3>& assets() {
  static const std::array<DocsAsset, 3> table{{
      {"swagger-ui.css", "text/css; charset=utf-8",
       span(authkit_swagger_css_begin, authkit_swagger_css_end)},
      {"swagger-ui-bundle.js", "application/javascript; charset=utf-8",
       span(authkit_swagger_bundle_begin, authkit_swagger_bundle_end)},
      {"swagger-ui-standalone-preset.js", "application/javascript; charset=utf-8",
       span(authkit_swagger_preset_begin, authkit_swagger_preset_end)},
  }};
  return table;
}

}  // namespace

bool swagger_ui_embedded() noexcept { return true; }

const DocsAsset* find_docs_asset(std::string_view name) noexcept {
  for (const auto& asset : assets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

#else

bool swagger_ui_embedded() noexcept { return false; }
const DocsAsset* find_docs_asset(std::string_view) noexcept { return nullptr; }

#endif

}  // namespace authkit::server
