"""Header values HTTP client libraries refuse to send, over raw sockets: control bytes in
Authorization are INVALID_TOKEN (docs/compatibility.md#authorization-bytes), and an empty
User-Agent is stored and shown as "" while an absent one is null."""
import json
import socket
import uuid

import pytest

from conftest import METRICS_TOKEN, Server

PASSWORD = "strong-pass-123"

# Every byte RFC 9110 keeps out of a field value, bar CR and LF, which end the header line
# itself; HTAB (0x09) is allowed there.
CONTROL_BYTES = [bytes([b]) for b in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]]


@pytest.fixture(scope="module")
def api():
    s = Server(RATE_LIMIT_MAX_REQUESTS="100000", LOGIN_MAX_FAILURES_PER_ACCOUNT="100000",
               METRICS_ENABLED="true", METRICS_AUTH_TOKEN=METRICS_TOKEN)
    yield s
    s.close()


def exchange(port, method, path, headers=(), body=None):
    """One request on its own connection; `headers` are raw header lines (bytes) sent as they
    are. Returns (status, the body parsed as JSON when the answer is JSON, else its bytes)."""
    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Connection: close",
             *headers]
    payload = b""
    if body is not None:
        payload = json.dumps(body).encode()
        lines += [b"Content-Type: application/json", b"Content-Length: %d" % len(payload)]
    request = b"\r\n".join(lines) + b"\r\n\r\n" + payload
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        chunks = []
        while True:  # the server closes after the answer (Connection: close)
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    response = b"".join(chunks)
    head, _, content = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"application/json" in head.lower():
        return status, json.loads(content)
    return status, content


def register_and_login(api, *headers):
    address = f"raw-{uuid.uuid4().hex[:12]}@example.test"
    r = api.post("/v1/auth/register", json={"name": "Raw", "email": address, "password": PASSWORD})
    assert r.status_code == 201, r.text
    status, body = exchange(api.port, "POST", "/v1/auth/sessions", headers,
                            {"email": address, "password": PASSWORD})
    assert status == 200, body
    return body


def auth_line(value):
    return b"Authorization: " + value


def test_control_bytes_in_authorization_are_invalid_token(api):
    token = register_and_login(api)["accessToken"].encode()
    # The clean token over the same raw path is accepted: the refusals below are the bytes'.
    assert exchange(api.port, "GET", "/v1/auth/me", [auth_line(b"Bearer " + token)])[0] == 200
    assert exchange(api.port, "GET", "/v1/auth/me", [auth_line(b"Bearer\t" + token)])[1][
        "error"]["code"] == "INVALID_AUTHORIZATION_HEADER"  # the contract's own rule, kept
    for byte in CONTROL_BYTES:
        for value in (b"Bearer " + token + byte,  # a valid token, then the byte
                      b"Bearer " + token + byte + b"junk",
                      b"Bearer " + byte + token,
                      b"Bearer " + token[:20] + byte + token[20:],
                      byte + b"Bearer " + token,
                      b"Bear" + byte + b"er " + token):
            for path in ("/v1/auth/me", "/v1/auth/sessions"):
                status, body = exchange(api.port, "GET", path, [auth_line(value)])
                assert (status, body["error"]["code"]) == (401, "INVALID_TOKEN"), (byte, value)
    # The refusals changed nothing: the token still works.
    assert exchange(api.port, "GET", "/v1/auth/me", [auth_line(b"Bearer " + token)])[0] == 200


def test_control_bytes_in_the_metrics_token_are_refused(api):
    good = auth_line(b"Bearer " + METRICS_TOKEN.encode())
    assert exchange(api.port, "GET", "/metrics", [good])[0] == 200
    for byte in (b"\x00", b"\x01", b"\x7f"):
        status, body = exchange(api.port, "GET", "/metrics", [good + byte])
        assert status == 401, byte
        assert body["error"]["message"] == "metrics authorization is required", byte


# cpp-httplib 0.11.4 drops a header field whose value is empty from Request::headers, so only
# the raw request head, which the server's connection loop keeps for each request, tells
# "User-Agent:" from no User-Agent (examples/server/header_fields.hpp).


def sessions_by_id(api, access_token):
    r = api.get("/v1/auth/sessions", headers={"Authorization": "Bearer " + access_token})
    assert r.status_code == 200, r.text
    return {s["sessionId"]: s for s in r.json()["sessions"]}


@pytest.mark.parametrize("line", [b"User-Agent:", b"User-Agent: ", b"User-Agent: \t "])
def test_an_empty_user_agent_is_an_empty_string(api, line):
    auth = register_and_login(api, line)
    assert auth["session"]["userAgent"] == ""
    listed = sessions_by_id(api, auth["accessToken"])
    assert listed[auth["session"]["sessionId"]]["userAgent"] == ""


def test_an_absent_user_agent_is_null(api):
    auth = register_and_login(api)
    assert auth["session"]["userAgent"] is None
    listed = sessions_by_id(api, auth["accessToken"])
    assert listed[auth["session"]["sessionId"]]["userAgent"] is None


def test_refresh_records_the_empty_user_agent_too(api):
    auth = register_and_login(api, b"User-Agent: first/1.0")
    assert auth["session"]["userAgent"] == "first/1.0"
    status, body = exchange(api.port, "POST", "/v1/auth/tokens/refresh", [b"User-Agent:"],
                            {"refreshToken": auth["refreshToken"]})
    assert status == 200, body
    assert body["session"]["userAgent"] == ""
    listed = sessions_by_id(api, body["accessToken"])
    assert listed[auth["session"]["sessionId"]]["userAgent"] == ""
