"""Key sets that rotate, configured by name (docs/configuration.md#key-rotation): a service
restarted with new secrets and the old ones verify-only keeps every session."""
import base64
import json
import pathlib

import pytest

import authkit
from conftest import PASSWORD, config

OLD_ACCESS = config()["ACCESS_TOKEN_SECRET"]
OLD_REFRESH = config()["REFRESH_TOKEN_SECRET"]
NEW_ACCESS = "python-rotated-access-secret-0123456789abc"
NEW_REFRESH = "python-rotated-refresh-secret-0123456789ab"


def header(token: str) -> dict:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_rotated_secrets_keep_the_sessions(tmp_path: pathlib.Path) -> None:
    database = f"sqlite://{tmp_path / 'rotation.db'}"
    with authkit.Service(config(DATABASE_URL=database)) as before:
        before.register("Rot", "rot@example.com", PASSWORD)
        pair = before.login("rot@example.com", PASSWORD)
    assert "kid" not in header(pair["accessToken"])

    rotated = config(DATABASE_URL=database, ACCESS_TOKEN_SECRET=NEW_ACCESS,
                     ACCESS_TOKEN_KEY_ID="a2", ACCESS_TOKEN_VERIFY_SECRETS=":" + OLD_ACCESS,
                     REFRESH_TOKEN_SECRET=NEW_REFRESH, REFRESH_TOKEN_KEY_ID="r2",
                     REFRESH_TOKEN_VERIFY_SECRETS=":" + OLD_REFRESH)
    with authkit.Service(rotated) as after:
        assert after.me(pair["accessToken"])["user"]["email"] == "rot@example.com"
        refreshed = after.refresh(pair["refreshToken"])
        assert header(refreshed["accessToken"])["kid"] == "a2"
        assert header(refreshed["refreshToken"])["kid"] == "r2"
        assert after.me(refreshed["accessToken"])["user"]["email"] == "rot@example.com"


def test_a_malformed_list_is_refused_without_the_secret() -> None:
    secret = "python-secret-without-a-kid-0123456789"
    with pytest.raises(authkit.InvalidArgumentError) as caught:
        authkit.Service(config(ACCESS_TOKEN_VERIFY_SECRETS=secret))
    assert caught.value.code == "INVALID_CONFIGURATION"
    assert "ACCESS_TOKEN_VERIFY_SECRETS: entry 1 is not kid:secret" in caught.value.message
    assert secret not in str(caught.value)
    assert secret not in json.dumps(caught.value.details)
