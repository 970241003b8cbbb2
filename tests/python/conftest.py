"""Fixtures of the Python binding tests: a Service on an in-memory SQLite database."""
from typing import Dict, Iterator, Union

import pytest

import authkit

PASSWORD = "correct horse battery"


def config(**overrides: Union[str, int, bool]) -> Dict[str, Union[str, int, bool]]:
    """A test configuration; the smallest Argon2id cost keeps hashing fast."""
    values: Dict[str, Union[str, int, bool]] = {
        "DATABASE_URL": "sqlite::memory:",
        "ACCESS_TOKEN_SECRET": "python-test-access-secret-0123456789abcdef",
        "REFRESH_TOKEN_SECRET": "python-test-refresh-secret-0123456789abcdef",
        "ARGON2_OPSLIMIT": 1,
        "ARGON2_MEMLIMIT": 8192,
        "LOG_LEVEL": "silent",
        "RATE_LIMIT_MAX_REQUESTS": 10000,
    }
    values.update(overrides)
    return values


@pytest.fixture
def svc() -> Iterator[authkit.Service]:
    with authkit.Service(config()) as service:
        yield service


@pytest.fixture
def alice(svc: authkit.Service) -> str:
    svc.register("Alice", "alice@example.com", PASSWORD)
    return "alice@example.com"
