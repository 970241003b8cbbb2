"""The behaviour checklist (docs/api.md#behaviour-checklist, items 1-5, 8, 9, 11) through
authkit.Service."""
import pytest

import authkit
from conftest import PASSWORD


def expect(error: type, code: str, status: int, call, *args, **kwargs) -> authkit.AuthError:
    with pytest.raises(error) as info:
        call(*args, **kwargs)
    assert info.value.code == code
    assert info.value.status == status
    return info.value


def test_register_login_me(svc):
    user = svc.register("Alice", "alice@example.com", PASSWORD)["user"]
    assert list(user) == ["id", "name", "email", "createdAt"]
    assert user["email"] == "alice@example.com"
    pair = svc.login("alice@example.com", PASSWORD)
    assert list(pair) == ["accessToken", "refreshToken", "user", "session"]
    assert pair["session"]["current"] is True
    me = svc.me(pair["accessToken"])
    assert me["user"]["email"] == "alice@example.com"
    assert me["session"]["current"] is True
    principal = svc.authenticate(pair["accessToken"])
    assert principal["userId"] == user["id"]
    assert principal["sessionId"] == pair["session"]["sessionId"]


def test_refresh_then_replay_compromises_the_session(svc, alice):
    first = svc.login(alice, PASSWORD)
    second = svc.refresh(first["refreshToken"])
    assert second["refreshToken"] != first["refreshToken"]
    error = expect(authkit.AuthenticationError, "REFRESH_TOKEN_REUSED", 401,
                   svc.refresh, first["refreshToken"])
    assert error.message == "refresh token reuse detected"
    assert error.details == []
    expect(authkit.AuthenticationError, "SESSION_NOT_ACTIVE", 401, svc.me, first["accessToken"])
    expect(authkit.AuthenticationError, "SESSION_NOT_ACTIVE", 401, svc.me, second["accessToken"])


def test_two_logins_list_and_revoke_the_other(svc, alice):
    one = svc.login(alice, PASSWORD)
    two = svc.login(alice, PASSWORD)
    sessions = svc.list_sessions(two["accessToken"])["sessions"]
    assert len(sessions) == 2
    assert [s["current"] for s in sessions].count(True) == 1
    svc.revoke_session(two["accessToken"], one["session"]["sessionId"])
    expect(authkit.AuthenticationError, "SESSION_NOT_ACTIVE", 401, svc.me, one["accessToken"])
    expect(authkit.AuthenticationError, "SESSION_NOT_FOUND", 404, svc.revoke_session,
           two["accessToken"], "6f1c1f7e-1d3a-4b8e-9c1a-0a7f5e2b9d11")
    error = expect(authkit.InvalidArgumentError, "INVALID_PAYLOAD", 400, svc.revoke_session,
                   two["accessToken"], "not-a-uuid")
    assert error.details == [{"path": "sessionId", "message": "sessionId must be a valid uuid"}]


def test_revoke_all(svc, alice):
    one = svc.login(alice, PASSWORD)
    two = svc.login(alice, PASSWORD)
    assert svc.revoke_all_sessions(two["accessToken"]) == 2
    expect(authkit.AuthenticationError, "SESSION_NOT_ACTIVE", 401, svc.me, one["accessToken"])


def test_logout(svc, alice):
    pair = svc.login(alice, PASSWORD)
    assert svc.logout(pair["refreshToken"]) is None
    expect(authkit.AuthenticationError, "SESSION_NOT_ACTIVE", 401, svc.me, pair["accessToken"])


def test_duplicate_registration_conflicts(svc, alice):
    expect(authkit.ConflictError, "USER_ALREADY_EXISTS", 409, svc.register, "Al", alice, PASSWORD)


def test_invalid_payload_lists_every_problem(svc):
    error = expect(authkit.InvalidArgumentError, "INVALID_PAYLOAD", 400, svc.register, "A",
                   "not-an-email", "short")
    assert [d["path"] for d in error.details] == ["name", "email", "password"]


def test_authentication_failures(svc, alice):
    expect(authkit.AuthenticationError, "INVALID_CREDENTIALS", 401, svc.login, alice, "wrong pass")
    expect(authkit.AuthenticationError, "INVALID_CREDENTIALS", 401, svc.login,
           "nobody@example.com", PASSWORD)
    expect(authkit.AuthenticationError, "INVALID_TOKEN", 401, svc.me, "x.y.z")
    pair = svc.login(alice, PASSWORD)
    # A refresh token is not an access token (checklist 15).
    expect(authkit.AuthenticationError, "INVALID_TOKEN", 401, svc.authenticate,
           pair["refreshToken"])
    expect(authkit.AuthenticationError, "INVALID_TOKEN", 401, svc.refresh, "garbage")


def test_correlation_id_reaches_the_error(svc):
    ctx = authkit.RequestContext(ip="192.0.2.1", user_agent="pytest", correlation_id="corr-1")
    error = expect(authkit.AuthenticationError, "INVALID_TOKEN", 401, svc.me, "x", context=ctx)
    assert error.correlation_id == "corr-1"


def test_context_is_kept_on_the_session(svc, alice):
    ctx = authkit.RequestContext(ip="192.0.2.9", user_agent="pytest/1")
    pair = svc.login(alice, PASSWORD, context=ctx)
    assert pair["session"]["ipAddress"] == "192.0.2.9"
    assert pair["session"]["userAgent"] == "pytest/1"


def test_rate_limit():
    from conftest import config
    with authkit.Service(config(RATE_LIMIT_MAX_REQUESTS=1)) as svc:
        ctx = authkit.RequestContext(ip="198.51.100.1")
        with pytest.raises(authkit.AuthenticationError):
            svc.login("x@example.com", PASSWORD, context=ctx)
        expect(authkit.RateLimitedError, "TOO_MANY_REQUESTS", 429, svc.login, "x@example.com",
               PASSWORD, context=ctx)


def test_health_ready_metrics_migrate(svc):
    health = svc.health()
    assert health["status"] == "ok" and health["service"] == "auth-api"
    ready = svc.ready()
    assert ready["status"] == "ready"
    assert ready["dependencies"] == {"database": "up", "redis": "disabled"}
    assert "auth_api_" in svc.metrics()
    assert svc.migrate()["applied"] == []
    assert svc.purge() == {"sessionsDeleted": 0, "tokensDeleted": 0}


def test_bad_configuration():
    from conftest import config
    error = expect(authkit.InvalidArgumentError, "INVALID_CONFIGURATION", 500, authkit.Service,
                   config(ACCESS_TOKEN_SECRET="short"))
    assert "ACCESS_TOKEN_SECRET" in error.message
    assert "short" not in error.message


def test_version():
    assert authkit.ABI_VERSION == 1
    assert authkit.__version__.count(".") == 2


def test_unusable_databases(tmp_path):
    from conftest import config
    expect(authkit.UnavailableError, "SERVICE_UNAVAILABLE", 503, authkit.Service,
           config(DATABASE_URL=f"sqlite://{tmp_path}/missing-dir/x.db"))
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"x" * 4096)  # not an SQLite file
    expect(authkit.InternalError, "INTERNAL_SERVER_ERROR", 500, authkit.Service,
           config(DATABASE_URL=f"sqlite://{junk}"))
