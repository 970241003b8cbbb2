"""The /v1/auth routes over HTTP: the behaviour checklist (docs/api.md#behaviour-checklist) and the
server's deviations (docs/compatibility.md)."""
import base64
import hashlib
import hmac
import json
import re
import time
import uuid

import pytest

from conftest import BACKEND, REFRESH_SECRET, Server

PASSWORD = "strong-pass-123"
UUID_ANY = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def api():
    s = Server(RATE_LIMIT_MAX_REQUESTS="100000", LOGIN_MAX_FAILURES_PER_ACCOUNT="100000")
    yield s
    s.close()


def email():
    return f"user-{uuid.uuid4().hex[:12]}@Example.test"


def register(s, address=None, name="Test User"):
    address = address or email()
    r = s.post("/v1/auth/register", json={"name": name, "email": address, "password": PASSWORD})
    assert r.status_code == 201, r.text
    return address, r.json()["user"]


def login(s, address, **headers):
    r = s.post("/v1/auth/sessions", json={"email": address, "password": PASSWORD},
               headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def bearer(token):
    return {"Authorization": "Bearer " + token}


def error_code(r):
    return r.json()["error"]["code"]


def test_register_login_me(api):
    address, user = register(api, "  Mixed.Case@Example.TEST ")
    assert user["email"] == "mixed.case@example.test"
    assert list(user.keys()) == ["id", "name", "email", "createdAt"]
    auth = login(api, "mixed.case@example.test", **{"User-Agent": "e2e-agent/1.0"})
    assert list(auth.keys()) == ["accessToken", "refreshToken", "user", "session"]
    assert auth["session"]["current"] is True
    assert auth["session"]["userAgent"] == "e2e-agent/1.0"
    # A plain IPv4 address, not ::ffff:127.0.0.1 (docs/compatibility.md#plain-client-ip).
    assert auth["session"]["ipAddress"] == "127.0.0.1"
    me = api.get("/v1/auth/me", headers=bearer(auth["accessToken"]))
    assert me.status_code == 200
    assert me.headers["Cache-Control"] == "no-store"
    assert me.json()["user"]["email"] == "mixed.case@example.test"
    assert me.json()["session"]["current"] is True


def test_refresh_and_replay(api):
    address, _ = register(api)
    auth = login(api, address)
    r = api.post("/v1/auth/tokens/refresh", json={"refreshToken": auth["refreshToken"]})
    assert r.status_code == 200
    assert r.json()["refreshToken"] != auth["refreshToken"]
    replay = api.post("/v1/auth/tokens/refresh", json={"refreshToken": auth["refreshToken"]})
    assert replay.status_code == 401 and error_code(replay) == "REFRESH_TOKEN_REUSED"
    me = api.get("/v1/auth/me", headers=bearer(auth["accessToken"]))
    assert me.status_code == 401 and error_code(me) == "SESSION_NOT_ACTIVE"
    # docs/api.md#refresh-steps: afterwards the rotated token and the replayed one both meet the compromise.
    for token in (r.json()["refreshToken"], auth["refreshToken"]):
        again = api.post("/v1/auth/tokens/refresh", json={"refreshToken": token})
        assert again.status_code == 401 and error_code(again) == "SESSION_COMPROMISED"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def resign(token, secret, **claims):
    """`token` with some claims changed, signed again with `secret` (HS256)."""
    header, payload, _ = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body.update(claims)
    signed = header + "." + b64url(json.dumps(body, separators=(",", ":")).encode())
    mac = hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest()
    return signed + "." + b64url(mac)


def test_refresh_error_codes(api):
    address, _ = register(api)
    auth = login(api, address)
    refresh = auth["refreshToken"]

    def attempt(token):
        return api.post("/v1/auth/tokens/refresh", json={"refreshToken": token})

    r = attempt("not-a-jwt")
    assert r.status_code == 401 and error_code(r) == "INVALID_TOKEN"
    # Well signed, but no stored token has this jti (docs/api.md#refresh-steps, step 2).
    r = attempt(resign(refresh, REFRESH_SECRET, jti=str(uuid.uuid4())))
    assert r.status_code == 401 and error_code(r) == "INVALID_REFRESH_TOKEN"
    # The stored token, but claimed for another session.
    r = attempt(resign(refresh, REFRESH_SECRET, sid=str(uuid.uuid4())))
    assert r.status_code == 401 and error_code(r) == "INVALID_REFRESH_TOKEN"
    r = api.post("/v1/auth/tokens/refresh", json={"refreshToken": ""})
    assert r.status_code == 400 and error_code(r) == "INVALID_PAYLOAD"
    # After logout the session is REVOKED (step 5).
    assert api.post("/v1/auth/sessions/current/revoke",
                    json={"refreshToken": refresh}).status_code == 204
    r = attempt(refresh)
    assert r.status_code == 401 and error_code(r) == "SESSION_REVOKED"


def test_refresh_past_session_max_age(make_server):
    s = make_server(SESSION_MAX_AGE="1s", RATE_LIMIT_MAX_REQUESTS="100000")
    address, _ = register(s)
    auth = login(s, address)
    time.sleep(1.2)
    r = s.post("/v1/auth/tokens/refresh", json={"refreshToken": auth["refreshToken"]})
    assert r.status_code == 401 and error_code(r) == "REFRESH_TOKEN_EXPIRED"
    me = s.get("/v1/auth/me", headers=bearer(auth["accessToken"]))
    assert me.status_code == 401 and error_code(me) == "SESSION_NOT_ACTIVE"


def test_list_and_revoke_one_session(api):
    address, _ = register(api)
    first = login(api, address)
    second = login(api, address)
    listed = api.get("/v1/auth/sessions", headers=bearer(second["accessToken"]))
    assert listed.status_code == 200
    sessions = listed.json()["sessions"]
    assert len(sessions) == 2
    assert [s["current"] for s in sessions].count(True) == 1
    gone = api.request("DELETE", "/v1/auth/sessions/" + first["session"]["sessionId"],
                       headers=bearer(second["accessToken"]))
    assert gone.status_code == 204
    assert gone.content == b""
    assert "Content-Type" not in gone.headers and "Content-Length" not in gone.headers
    me = api.get("/v1/auth/me", headers=bearer(first["accessToken"]))
    assert me.status_code == 401 and error_code(me) == "SESSION_NOT_ACTIVE"
    bad = api.request("DELETE", "/v1/auth/sessions/not-a-uuid",
                      headers=bearer(second["accessToken"]))
    assert bad.status_code == 400 and bad.json()["error"]["details"] == [
        {"path": "sessionId", "message": "sessionId must be a valid uuid"}]
    missing = api.request("DELETE", "/v1/auth/sessions/" + str(uuid.uuid4()),
                          headers=bearer(second["accessToken"]))
    assert missing.status_code == 404 and error_code(missing) == "SESSION_NOT_FOUND"
    unauthenticated = api.request("DELETE", "/v1/auth/sessions/not-a-uuid")
    assert unauthenticated.status_code == 401


def test_revoke_all(api):
    address, _ = register(api)
    first = login(api, address)
    second = login(api, address)
    r = api.request("DELETE", "/v1/auth/sessions", headers=bearer(second["accessToken"]))
    assert r.status_code == 204 and r.content == b""
    me = api.get("/v1/auth/me", headers=bearer(first["accessToken"]))
    assert me.status_code == 401 and error_code(me) == "SESSION_NOT_ACTIVE"


def test_logout(api):
    address, _ = register(api)
    auth = login(api, address)
    r = api.post("/v1/auth/sessions/current/revoke", json={"refreshToken": auth["refreshToken"]})
    assert r.status_code == 204 and r.content == b""
    me = api.get("/v1/auth/me", headers=bearer(auth["accessToken"]))
    assert me.status_code == 401 and error_code(me) == "SESSION_NOT_ACTIVE"


def test_duplicate_registration_is_409(api):
    address, _ = register(api)
    r = api.post("/v1/auth/register", json={"name": "Again", "email": address,
                                            "password": PASSWORD})
    assert r.status_code == 409 and error_code(r) == "USER_ALREADY_EXISTS"


def test_auth_middleware_errors(api):
    cases = [({}, "AUTHORIZATION_REQUIRED"),
             ({"Authorization": "Basic abc"}, "INVALID_AUTHORIZATION_HEADER"),
             ({"Authorization": "Bearer"}, "INVALID_AUTHORIZATION_HEADER"),
             ({"Authorization": "Bearer not.a.jwt"}, "INVALID_TOKEN")]
    for headers, code in cases:
        r = api.get("/v1/auth/me", headers=headers)
        assert r.status_code == 401, headers
        assert error_code(r) == code, headers
        assert r.json()["error"]["correlationId"] == r.headers["x-correlation-id"]


def test_invalid_credentials(api):
    address, _ = register(api)
    r = api.post("/v1/auth/sessions", json={"email": address, "password": "wrong-password"})
    assert r.status_code == 401 and error_code(r) == "INVALID_CREDENTIALS"
    r = api.post("/v1/auth/sessions", json={"email": email(), "password": PASSWORD})
    assert r.status_code == 401 and error_code(r) == "INVALID_CREDENTIALS"


def test_validation_details(api):
    r = api.post("/v1/auth/register", json={"name": [], "email": "bad", "password": "short"})
    assert r.status_code == 400 and error_code(r) == "INVALID_PAYLOAD"
    assert r.json()["error"]["message"] == "invalid payload"
    assert r.json()["error"]["details"] == [
        {"path": "name", "message": "Invalid input: expected string, received array"},
        {"path": "name", "message": "name must have at least 2 characters"},
        {"path": "email", "message": "email must be a valid email"},
        {"path": "password", "message": "password must have at least 8 characters"}]
    # No JSON content type: the body counts as absent.
    r = api.post("/v1/auth/register", data='{"name":"x"}', headers={"Content-Type": "text/plain"})
    assert r.status_code == 400 and r.json()["error"]["details"] == [
        {"path": "body", "message": "Invalid input: expected object, received undefined"}]
    # Malformed JSON is a JSON 400 with the correlation id (docs/compatibility.md#malformed-json).
    r = api.post("/v1/auth/register", data="{nope", headers={
        "Content-Type": "application/json; charset=utf-8", "x-correlation-id": "bad-json"})
    assert r.status_code == 400 and r.json()["error"]["correlationId"] == "bad-json"
    # A charset that is not UTF is 415 (docs/compatibility.md#body-parser-errors).
    r = api.post("/v1/auth/register", data="{}",
                 headers={"Content-Type": "application/json; charset=latin1"})
    assert r.status_code == 415 and error_code(r) == "UNSUPPORTED_MEDIA_TYPE"


def test_rate_limit_headers(make_server):
    # A client IP of its own (through a trusted proxy hop): Redis counters outlive servers.
    s = make_server(RATE_LIMIT_MAX_REQUESTS="2", TRUST_PROXY="1")
    client = {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 250 + 1}"}
    codes = []
    for _ in range(3):
        r = s.post("/v1/auth/sessions", json={"email": email(), "password": PASSWORD},
                   headers=client)
        codes.append(r.status_code)
        assert r.headers["RateLimit-Limit"] == "2"
    assert codes == [401, 401, 429]
    assert error_code(r) == "TOO_MANY_REQUESTS"
    assert int(r.headers["Retry-After"]) >= 1
    assert r.headers["RateLimit-Remaining"] == "0"


def test_account_lock_after_failed_logins(make_server):
    s = make_server(LOGIN_MAX_FAILURES_PER_ACCOUNT="2", RATE_LIMIT_MAX_REQUESTS="100000",
                    TRUST_PROXY="1")
    address, _ = register(s)
    for i in range(2):
        r = s.post("/v1/auth/sessions", json={"email": address, "password": "wrong-password"},
                   headers={"X-Forwarded-For": f"198.51.100.{i + 1}"})
        assert r.status_code == 401 and error_code(r) == "INVALID_CREDENTIALS"
    # Locked for every caller, even with the right password and from a new address.
    r = s.post("/v1/auth/sessions", json={"email": address.upper(), "password": PASSWORD},
               headers={"X-Forwarded-For": "203.0.113.50"})
    assert r.status_code == 429 and error_code(r) == "TOO_MANY_REQUESTS"
    assert int(r.headers["Retry-After"]) >= 1
    assert r.headers["RateLimit-Limit"] == "2"
    assert r.headers["RateLimit-Remaining"] == "0"
    # Another account is not affected.
    other, _ = register(s)
    login(s, other)


def test_trusted_proxy_client_ip(make_server):
    s = make_server(TRUST_PROXY="1", RATE_LIMIT_MAX_REQUESTS="100000")
    address, _ = register(s)
    auth = login(s, address, **{"X-Forwarded-For": "198.51.100.7, 203.0.113.9"})
    assert auth["session"]["ipAddress"] == "203.0.113.9"
    untrusted = make_server(RATE_LIMIT_MAX_REQUESTS="100000")
    address, _ = register(untrusted)
    auth = login(untrusted, address, **{"X-Forwarded-For": "203.0.113.9"})
    assert auth["session"]["ipAddress"] == "127.0.0.1"


def test_request_log_has_user_and_session(api):
    address, _ = register(api)
    auth = login(api, address)
    api.get("/v1/auth/me", headers={**bearer(auth["accessToken"]), "x-correlation-id": "who"})
    line = api.wait_for_log(lambda l: l.get("correlationId") == "who" and
                            l["msg"] == "http_request")
    assert line["userId"] == str(auth["user"]["id"])
    assert line["sessionId"] == auth["session"]["sessionId"]
    log = api.stdout()
    assert PASSWORD not in log and auth["accessToken"] not in log
    assert auth["refreshToken"] not in log


def test_ready_reports_the_backends(api):
    r = api.get("/ready")
    assert r.status_code == 200
    deps = r.json()["dependencies"]
    assert deps["database"] == "up"
    assert deps["redis"] == ("up" if BACKEND == "postgres" else "disabled")


def test_metrics_count_logins(make_server):
    s = make_server(METRICS_ENABLED="true", RATE_LIMIT_MAX_REQUESTS="100000")
    address, _ = register(s)
    login(s, address)
    text = s.get("/metrics").text
    assert 'auth_api_login_attempts_total{outcome="success"} 1' in text
    assert "auth_api_http_request_duration_seconds" in text
