// HMAC keys (HS256/HS384/HS512) on OpenSSL EVP_MAC, with keyed contexts reused per thread.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/params.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "authkit/crypto.hpp"
#include "token/key_material.hpp"
#include "token/openssl_handles.hpp"

namespace authkit::detail {
namespace {

const char* digest_name(JwtAlgorithm alg) {
  switch (alg) {
    case JwtAlgorithm::kHS384:
      return "SHA384";
    case JwtAlgorithm::kHS512:
      return "SHA512";
    default:
      return "SHA256";
  }
}

// RFC 7518 section 3.2: the key must be at least as long as the hash output.
std::size_t minimum_key_size(JwtAlgorithm alg) {
  switch (alg) {
    case JwtAlgorithm::kHS384:
      return 48;
    case JwtAlgorithm::kHS512:
      return 64;
    default:
      return 32;
  }
}

std::atomic<std::uint64_t> next_key_id{1};

// Each thread keeps a keyed copy of the few HMAC contexts it uses, so signing and verifying
// neither allocate nor re-derive the key pads, nor take a lock. Bounded: a thread that sees many
// keys evicts the oldest copy.
class ThreadMacCache {
 public:
  EVP_MAC_CTX* find(std::uint64_t key_id) noexcept {
    for (auto& slot : slots_) {
      if (slot.key_id == key_id) return slot.ctx.get();
    }
    return nullptr;
  }
  EVP_MAC_CTX* insert(std::uint64_t key_id, MacCtxPtr ctx) {
    if (slots_.size() >= kMaxSlots) slots_.erase(slots_.begin());
    slots_.push_back(Slot{key_id, std::move(ctx)});
    return slots_.back().ctx.get();
  }

 private:
  static constexpr std::size_t kMaxSlots = 8;
  struct Slot {
    std::uint64_t key_id;
    MacCtxPtr ctx;
  };
  std::vector<Slot> slots_;
};

thread_local ThreadMacCache mac_cache;

class HmacMaterial final : public KeyMaterial {
 public:
  HmacMaterial(JwtAlgorithm alg, std::string kid, MacCtxPtr keyed, std::size_t mac_size)
      : KeyMaterial(alg, std::move(kid)), keyed_(std::move(keyed)), mac_size_(mac_size) {}

  bool can_sign() const noexcept override { return true; }

  Result<std::string> sign(std::string_view signing_input) const override {
    std::string mac(mac_size_, '\0');
    if (!compute(signing_input, mac)) return key_error("HMAC computation failed");
    return mac;
  }

  bool verify(std::string_view signing_input, std::string_view signature) const noexcept override {
    if (signature.size() != mac_size_) return false;
    unsigned char mac[EVP_MAX_MD_SIZE];
    std::string_view expected(reinterpret_cast<const char*>(mac), mac_size_);
    if (!compute(signing_input, {reinterpret_cast<char*>(mac), mac_size_})) return false;
    const bool equal = crypto::constant_time_equal(expected, signature);
    OPENSSL_cleanse(mac, sizeof mac);
    return equal;
  }

 private:
  bool compute(std::string_view input, std::span<char> out) const noexcept {
    EVP_MAC_CTX* ctx = thread_context();
    if (ctx == nullptr) return false;
    std::size_t written = 0;
    // A NULL key re-initialises the context with the key it already holds.
    const bool ok = EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1 &&
                    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(input.data()),
                                   input.size()) == 1 &&
                    EVP_MAC_final(ctx, reinterpret_cast<unsigned char*>(out.data()), &written,
                                  out.size()) == 1 &&
                    written == mac_size_;
    if (!ok) ERR_clear_error();
    return ok;
  }

  EVP_MAC_CTX* thread_context() const noexcept {
    if (EVP_MAC_CTX* ctx = mac_cache.find(id_)) return ctx;
    MacCtxPtr copy;
    {
      const std::lock_guard lock(dup_mutex_);
      copy.reset(EVP_MAC_CTX_dup(keyed_.get()));
    }
    if (!copy) return nullptr;
    try {
      return mac_cache.insert(id_, std::move(copy));
    } catch (...) {
      return nullptr;
    }
  }

  MacCtxPtr keyed_;
  std::size_t mac_size_;
  std::uint64_t id_ = next_key_id.fetch_add(1);
  mutable std::mutex dup_mutex_;
};

}  // namespace

Result<KeyMaterialPtr> make_hmac_material(JwtAlgorithm alg, std::string_view secret,
                                          std::string kid) {
  if (!is_symmetric(alg)) return key_error("HMAC secrets are for HS256, HS384 and HS512 only");
  if (secret.find("-----BEGIN") != std::string_view::npos) {
    // An asymmetric key used as an HMAC secret is the classic algorithm-confusion attack.
    return key_error("a PEM key cannot be used as an HMAC secret");
  }
  if (secret.size() < minimum_key_size(alg)) {
    return key_error(std::string(to_string(alg)) + " needs a secret of at least " +
                     std::to_string(minimum_key_size(alg)) + " bytes");
  }
  MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  MacCtxPtr ctx(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
  if (!ctx) {
    ERR_clear_error();
    return key_error("OpenSSL has no HMAC implementation");
  }
  char digest[16];
  const std::string_view name = digest_name(alg);
  name.copy(digest, name.size());
  digest[name.size()] = '\0';
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_END};
  if (EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                   params) != 1) {
    ERR_clear_error();
    return key_error("OpenSSL refused the HMAC key");
  }
  const std::size_t size = EVP_MAC_CTX_get_mac_size(ctx.get());
  return KeyMaterialPtr(std::make_shared<HmacMaterial>(alg, std::move(kid), std::move(ctx), size));
}

}  // namespace authkit::detail
