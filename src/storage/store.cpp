// Out-of-line anchors for the Store and StoreImporter interfaces.
#include "authkit/store.hpp"
#include "authkit/store_import.hpp"

namespace authkit {
inline namespace v1 {

Store::~Store() = default;

StoreImporter::~StoreImporter() = default;

std::string_view to_string(ImportedKind kind) noexcept {
  switch (kind) {
    case ImportedKind::kUser:
      return "user";
    case ImportedKind::kSession:
      return "session";
    case ImportedKind::kToken:
      return "token";
  }
  return "row";
}

}  // namespace v1
}  // namespace authkit
