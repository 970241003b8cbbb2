"""Configuration names: authkit.Service refuses a name it does not know (with the name it probably
meant), accepts every documented one, and ignores the reference server's."""
import os

import pytest

import authkit
from conftest import config


def test_misspelt_name_is_refused_with_a_hint() -> None:
    values = config(DATABSE_URL="postgresql://authkit:hunter2@db/authkit")
    with pytest.raises(authkit.InvalidArgumentError) as caught:
        authkit.Service(values)
    error = caught.value
    assert error.code == "INVALID_CONFIGURATION"
    assert error.message == "unknown setting DATABSE_URL; did you mean DATABASE_URL?"
    assert error.details == [{"path": "DATABSE_URL",
                              "message": "unknown setting DATABSE_URL; did you mean DATABASE_URL?"}]
    assert "hunter2" not in str(error)


def test_lower_case_name_is_refused_with_the_documented_spelling() -> None:
    with pytest.raises(authkit.InvalidArgumentError, match="did you mean JWT_ISSUER"):
        authkit.Service(config(jwt_issuer="me"))


def test_unknown_name_without_a_close_one() -> None:
    with pytest.raises(authkit.InvalidArgumentError) as caught:
        authkit.Service(config(NOT_A_SETTING_AT_ALL=1))
    assert caught.value.message == "unknown setting NOT_A_SETTING_AT_ALL"


def test_every_unknown_name_is_reported() -> None:
    with pytest.raises(authkit.InvalidArgumentError) as caught:
        authkit.Service(config(JWT_ISUER="me", REDIS_URI="redis://localhost"))
    assert [d["path"] for d in caught.value.details] == ["JWT_ISUER", "REDIS_URI"]


def test_server_only_names_are_accepted_and_ignored() -> None:
    values = config(PORT="not-a-port", NODE_ENV="staging", HTTP_THREADS=0, TRUST_PROXY=-1,
                    DOCS_ENABLED="maybe", METRICS_ENABLED=True, SHUTDOWN_TIMEOUT_MS=5,
                    PURGE_INTERVAL="1h", METRICS_ALLOW_UNAUTHENTICATED=False)
    with authkit.Service(values) as svc:
        assert not svc.closed


def test_the_process_environment_is_not_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in config().items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.setenv("DATABSE_URL", "sqlite::memory:")
    monkeypatch.setenv("SOME_OTHER_PROGRAMS_VARIABLE", "x")
    assert os.environ["DATABSE_URL"]
    with authkit.Service(None) as svc:
        assert not svc.closed
