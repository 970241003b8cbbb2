"""Wrong arguments, closing, threads and the GIL."""
import threading
import time
from typing import List

import pytest

import authkit
from authkit import capi
from conftest import PASSWORD, config


@pytest.mark.parametrize("args", [(1, PASSWORD), (None, PASSWORD), ("a@example.com", b"bytes"),
                                  ("a@example.com", 12345678), (["x"], PASSWORD)])
def test_wrong_types_raise_type_error(svc, args):
    with pytest.raises(TypeError):
        svc.login(*args)


def test_nul_characters_raise_value_error(svc):
    with pytest.raises(ValueError):
        svc.login("a@example.com\0", PASSWORD)
    with pytest.raises(ValueError):
        svc.me("abc\0def")


def test_wrong_config_and_context_types():
    with pytest.raises(TypeError):
        authkit.Service(["DATABASE_URL"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        authkit.Service(config(ARGON2_OPSLIMIT=[1]))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        authkit.Service({1: "x"})  # type: ignore[dict-item]
    with authkit.Service(config()) as svc:
        with pytest.raises(TypeError):
            svc.me("x", context={"ip": "1.2.3.4"})  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            svc.me("x", context=authkit.RequestContext(ip=123))  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            svc.me("x", context=authkit.RequestContext(correlation_id="a\0b"))


def test_low_level_module_refuses_null_and_wrong_types(svc):
    status, text = capi.ak_service_health(None)
    assert status == capi.AK_ERR_INVALID_ARGUMENT and text is None
    assert capi.ak_service_errcode(None) == "INVALID_PAYLOAD"
    status, text = capi.ak_token_authenticate(svc._handle, None, None)
    assert status == capi.AK_ERR_INVALID_ARGUMENT
    assert capi.ak_service_errstatus(svc._handle) == 400
    with pytest.raises(TypeError):
        capi.ak_token_authenticate(svc._handle, None, 42)
    with pytest.raises(TypeError):
        capi.ak_service_health("not a handle")
    assert capi.ak_strerror(capi.AK_ERR_CONFLICT) == "AK_ERR_CONFLICT"


def test_with_closes_the_service():
    with authkit.Service(config()) as svc:
        assert not svc.closed
    assert svc.closed
    with pytest.raises(ValueError):
        svc.health()
    svc.close()  # idempotent


def test_threads_share_one_service(svc, alice):
    errors = []

    def session_cycle() -> None:
        try:
            for _ in range(5):
                pair = svc.login(alice, PASSWORD)
                assert svc.me(pair["accessToken"])["user"]["email"] == alice
                newer = svc.refresh(pair["refreshToken"])
                with pytest.raises(authkit.AuthenticationError) as info:
                    svc.refresh(pair["refreshToken"])
                assert info.value.code == "REFRESH_TOKEN_REUSED"
                with pytest.raises(authkit.AuthenticationError) as info:
                    svc.me(newer["accessToken"])
                assert info.value.code == "SESSION_NOT_ACTIVE"
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    def bad_tokens() -> None:
        try:
            for _ in range(50):
                with pytest.raises(authkit.AuthenticationError) as info:
                    svc.authenticate("x.y.z")
                assert info.value.code == "INVALID_TOKEN"
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=session_cycle) for _ in range(4)]
    threads += [threading.Thread(target=bad_tokens) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_the_gil_is_released_while_hashing():
    # A costly hash (64 MiB Argon2id): if the GIL were held during it, this thread could not
    # run for the whole hash.
    with authkit.Service(config(ARGON2_OPSLIMIT=2, ARGON2_MEMLIMIT=64 * 1024 * 1024)) as svc:
        start = time.perf_counter()
        with pytest.raises(authkit.AuthenticationError):
            svc.login("nobody@example.com", PASSWORD)
        hash_seconds = time.perf_counter() - start
        worker = threading.Thread(target=lambda: pytest.raises(
            authkit.AuthenticationError, svc.login, "nobody@example.com", PASSWORD))
        last = time.perf_counter()
        longest_gap = 0.0
        worker.start()
        while worker.is_alive():
            now = time.perf_counter()
            longest_gap = max(longest_gap, now - last)
            last = now
        worker.join()
        assert longest_gap < hash_seconds * 0.5, (longest_gap, hash_seconds)


def test_a_burst_waits_for_the_hashing_queue_instead_of_failing():
    # One hash at a time (64 MiB Argon2id), six logins at once: the five that find the slot
    # taken wait in the library's queue (docs/configuration.md#password-hash-queue) and are
    # served, as through the C++ API and the server.
    # The waiting limit is raised out of the way: a slow host must not turn waiting into 503.
    with authkit.Service(config(ARGON2_OPSLIMIT=2, ARGON2_MEMLIMIT=64 * 1024 * 1024,
                                PASSWORD_HASH_CONCURRENCY=1,
                                PASSWORD_HASH_QUEUE_TIMEOUT_MS=300000)) as svc:
        svc.register("Burst", "burst@example.com", PASSWORD)
        outcomes: List[object] = []
        barrier = threading.Barrier(6, timeout=60)

        def login() -> None:
            barrier.wait()
            try:
                outcomes.append(svc.login("burst@example.com", PASSWORD)["session"]["current"])
            except BaseException as e:  # reported by the main thread
                outcomes.append(e)

        threads = [threading.Thread(target=login) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert outcomes == [True] * 6


def test_the_hashing_queue_settings_are_checked():
    error = pytest.raises(authkit.InvalidArgumentError, authkit.Service,
                          config(PASSWORD_HASH_QUEUE_MAX=-1,
                                 PASSWORD_HASH_QUEUE_TIMEOUT_MS=0)).value
    assert error.code == "INVALID_CONFIGURATION"
    assert "PASSWORD_HASH_QUEUE_MAX: Too small" in error.message
    assert "PASSWORD_HASH_QUEUE_TIMEOUT_MS: Too small" in error.message
