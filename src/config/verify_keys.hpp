// The verify-only keys of the token key sets (docs/configuration.md#key-rotation):
// ACCESS_TOKEN_VERIFY_SECRETS, ACCESS_TOKEN_VERIFY_KEY_FILES and REFRESH_TOKEN_VERIFY_SECRETS.
#pragma once

#include "authkit/config.hpp"
#include "authkit/settings.hpp"

namespace authkit::config_detail {

// Reads the three lists into `config` once the active keys are read (their kids and secrets are
// checked against the lists'). Issues name the variable and the entry's position, and quote a
// kid only once it is known to be one: a secret written in the wrong place is never repeated.
void read_verify_keys(SettingsReader& reader, Config& config);

}  // namespace authkit::config_detail
