/// @file
/// The assembly step's public half: building the parts a configuration names. This is the only
/// public header that names backends (docs/architecture.md): the store a database URL names, the
/// rate limiter a Redis URL names (rate_limiter_factory.hpp) and the token codec a Config
/// describes. AuthService::open() uses all three.
#pragma once

#include <memory>
#include <string_view>

#include "authkit/config.hpp"
#include "authkit/export.hpp"
#include "authkit/jwt.hpp"
#include "authkit/rate_limiter_factory.hpp"
#include "authkit/result.hpp"
#include "authkit/store.hpp"
#include "authkit/store_import.hpp"

namespace authkit {
inline namespace v1 {

/// Opens the store a database URL names:
///   sqlite:///abs/path.db, sqlite://relative.db   a SQLite file (the path follows sqlite://)
///   sqlite::memory:                               a private in-memory SQLite database
///   postgresql://... or postgres://...            PostgreSQL (libpq URI) when built with it
/// An unknown scheme is kInvalidConfiguration. Opening does not migrate unless asked to.
AUTHKIT_API Result<std::unique_ptr<Store>> open_store(std::string_view database_url,
                                                      StoreOptions options = {});

/// An importer into the store a database URL names (as open_store reads it), for rows kept from
/// elsewhere with their ids (docs/migrating-from-the-original.md). It does not migrate: open
/// the store with migrate_on_open first. A long import wants a `statement_timeout` longer than
/// the default one of a request.
AUTHKIT_API Result<std::unique_ptr<StoreImporter>> open_store_importer(
    std::string_view database_url, StoreOptions options = {});

/// The codec a configuration describes: the access key (ACCESS_TOKEN_ALGORITHM with
/// ACCESS_TOKEN_SECRET or the PEM of ACCESS_TOKEN_PRIVATE_KEY_FILE, kid ACCESS_TOKEN_KEY_ID),
/// the HS256 refresh key (REFRESH_TOKEN_SECRET, kid REFRESH_TOKEN_KEY_ID), each followed by its
/// verify-only keys (*_VERIFY_SECRETS, ACCESS_TOKEN_VERIFY_KEY_FILES), issuer, audience and
/// leeway. Fails with INVALID_CONFIGURATION when a key does not fit its algorithm.
AUTHKIT_API Result<TokenCodec> make_token_codec(const Config& config);

}  // namespace v1
}  // namespace authkit
