// read_key_file: the PEM of a key file, read once at start-up.
#include "config/key_file.hpp"

#include <sodium.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

namespace authkit::config_detail {
namespace {

constexpr std::size_t kMaxKeyFileBytes = std::size_t{1024} * 1024;

struct FileCloser {
  // A failed close of a file only read loses nothing.
  void operator()(std::FILE* file) const noexcept { static_cast<void>(std::fclose(file)); }
};

bool holds_pem_key(const std::string& contents, PemKind kind) {
  if (contents.find("-----BEGIN") == std::string::npos) return false;
  if (contents.find("PRIVATE KEY-----") != std::string::npos) return true;
  return kind == PemKind::kPrivateOrPublic && contents.find("PUBLIC KEY-----") != std::string::npos;
}

}  // namespace

std::optional<std::string> read_key_file(SettingsReader& reader, std::string_view variable,
                                         const std::string& path, PemKind kind) {
  const std::string name(variable);
  const auto cannot_read = [&](int error_number) {
    reader.issue(variable, name + ": cannot read \"" + path +
                               "\": " + std::generic_category().message(error_number));
  };
  errno = 0;
  const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    cannot_read(errno);
    return std::nullopt;
  }
  std::string contents;
  char buffer[4096];
  while (contents.size() <= kMaxKeyFileBytes) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
    contents.append(buffer, got);
    if (got < sizeof buffer) break;
  }
  const bool unreadable = std::ferror(file.get()) != 0;
  const int read_errno = errno;
  // The key is a secret: the read buffer is wiped whatever happens next.
  sodium_memzero(buffer, sizeof buffer);
  if (unreadable) {
    cannot_read(read_errno != 0 ? read_errno : EIO);
  } else if (contents.size() > kMaxKeyFileBytes) {
    reader.issue(variable, name + ": \"" + path + "\" is larger than 1 MiB");
  } else if (!holds_pem_key(contents, kind)) {
    reader.issue(variable, name + ": \"" + path + "\" does not hold a PEM " +
                               (kind == PemKind::kPrivate ? "private key" : "key"));
  } else {
    return contents;
  }
  // Refused contents may still be key material: wipe them too.
  sodium_memzero(contents.data(), contents.size());
  return std::nullopt;
}

}  // namespace authkit::config_detail
