"""Log in, refresh, replay the old refresh token, see the session compromised."""
import os
import sys

import authkit

config = {
    "DATABASE_URL": "sqlite::memory:",
    "ACCESS_TOKEN_SECRET": "example-access-secret-change-me-0123456789",
    "REFRESH_TOKEN_SECRET": "example-refresh-secret-change-me-0123456789",
    # A cheap hash for the demonstration; keep the defaults in production.
    "ARGON2_OPSLIMIT": os.environ.get("ARGON2_OPSLIMIT", "2"),
    "ARGON2_MEMLIMIT": os.environ.get("ARGON2_MEMLIMIT", str(64 * 1024 * 1024)),
}

with authkit.Service(config) as svc:
    svc.register("Ada", "ada@example.com", "s3cret-pass")
    first = svc.login("ada@example.com", "s3cret-pass")
    second = svc.refresh(first["refreshToken"])
    print("refreshed once: ok")
    try:
        svc.refresh(first["refreshToken"])  # the replay
        sys.exit("replay was accepted")
    except authkit.AuthenticationError as e:
        print(f"replay: {e.code} ({e.status}): {e.message}")
    try:
        svc.me(second["accessToken"])
        sys.exit("the compromised session still works")
    except authkit.AuthenticationError as e:
        print(f"the newer access token: {e.code}")
