"""HTTP plumbing: health, metrics gating, correlation ids, headers, errors, body limits, logs."""
import re
import socket

from conftest import BACKEND, METRICS_TOKEN, raw_request

UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_health(server):
    r = server.get("/health")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert list(r.json().keys()) == ["status", "service", "timestamp"]
    assert r.json()["status"] == "ok"
    assert r.json()["service"] == "auth-api"
    assert ISO_MS.match(r.json()["timestamp"])


def test_routing_conveniences(server):
    assert server.get("/HEALTH").status_code == 200
    assert server.get("/health/").status_code == 200
    assert server.get("/Health/?x=1").status_code == 200
    assert server.get("/health//").status_code == 404
    head = server.request("HEAD", "/health")
    assert head.status_code == 200 and head.content == b""


def test_ready(server):
    r = server.get("/ready")
    assert r.status_code == 200
    body = r.json()
    assert list(body.keys()) == ["status", "service", "dependencies", "timestamp"]
    assert body["status"] == "ready"
    redis = "up" if BACKEND == "postgres" else "disabled"  # no REDIS_URL on SQLite
    assert body["dependencies"] == {"database": "up", "redis": redis}


def test_unknown_route_is_a_json_404_with_correlation_id(server):
    for method, path in [("GET", "/nope"), ("POST", "/health"), ("DELETE", "/metrics"),
                         ("GET", "/v1/auth/tokens/refresh")]:
        r = server.request(method, path, headers={"x-correlation-id": "corr-404"})
        assert r.status_code == 404, (method, path)
        assert r.headers["Content-Type"] == "application/json; charset=utf-8"
        assert r.json() == {"error": {"code": "NOT_FOUND", "message": "not found",
                                      "correlationId": "corr-404"}}
        assert r.headers["x-correlation-id"] == "corr-404"
        assert r.headers["Cache-Control"] == "no-store"


def test_security_headers(server):
    for path in ["/health", "/nope", "/docs.json", "/metrics"]:
        r = server.get(path)
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert "X-Powered-By" not in r.headers
        assert "Server" not in r.headers


def test_correlation_id_echo_and_generation(server):
    r = server.get("/health", headers={"X-Correlation-Id": "client-id-1"})
    assert r.headers["x-correlation-id"] == "client-id-1"
    generated = server.get("/health").headers["x-correlation-id"]
    assert UUID_V4.match(generated)
    assert server.get("/health", headers={"x-correlation-id": "padded  "}).headers[
        "x-correlation-id"] == "padded"
    assert server.get("/health", headers={"x-correlation-id": "x" * 128}).headers[
        "x-correlation-id"] == "x" * 128


def test_correlation_id_validation(server):
    too_long = "y" * 129
    r = server.get("/health", headers={"x-correlation-id": too_long})
    assert UUID_V4.match(r.headers["x-correlation-id"])
    # Bytes that requests refuses to send: a control character and a non-ASCII byte.
    for bad in [b"evil\x01id", b"caf\xe9", b"a\x7fb"]:
        raw = raw_request(server.port, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                          b"x-correlation-id: " + bad + b"\r\n\r\n")
        head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        echoed = re.search(r"(?im)^x-correlation-id: (.*)$", head).group(1).strip()
        assert UUID_V4.match(echoed), bad
    log = server.stdout()
    assert too_long not in log
    assert "evil" not in log


def test_metrics_gating_token(server):
    r = server.get("/metrics")
    assert r.status_code == 401
    body = r.json()
    assert body["error"]["code"] == "METRICS_AUTHORIZATION_REQUIRED"
    assert body["error"]["message"] == "metrics authorization is required"
    assert body["error"]["correlationId"] == r.headers["x-correlation-id"]
    for header in ["Bearer wrong-token-0123456789", "Basic " + METRICS_TOKEN, METRICS_TOKEN,
                   "Bearer\t" + METRICS_TOKEN, "Bearer " + METRICS_TOKEN + "x"]:
        assert server.get("/metrics", headers={"Authorization": header}).status_code == 401, header
    for header in ["Bearer " + METRICS_TOKEN, "bearer    " + METRICS_TOKEN + "   ",
                   "BEARER " + METRICS_TOKEN]:
        ok = server.get("/metrics", headers={"Authorization": header})
        assert ok.status_code == 200, header
        assert ok.headers["Content-Type"] == "text/plain; charset=utf-8; version=0.0.4"
        assert ok.headers["Cache-Control"] == "no-store"
        assert ok.text.endswith("\n") and "# TYPE" in ok.text


def test_metrics_disabled(make_server):
    s = make_server()  # METRICS_ENABLED defaults to false
    r = s.get("/metrics")
    assert r.status_code == 404
    assert r.json() == {"message": "metrics disabled"}


def test_metrics_open_without_token(make_server):
    s = make_server(METRICS_ENABLED="yes")
    r = s.get("/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8; version=0.0.4"
    assert r.headers["Cache-Control"] == "no-store"


def test_body_over_one_mib_is_refused_with_413(server):
    body = b"{" + b" " * (1024 * 1024) + b"}"
    assert len(body) > 1024 * 1024
    r = server.post("/v1/auth/register", data=body,
                    headers={"Content-Type": "application/json", "x-correlation-id": "big"})
    assert r.status_code == 413
    assert r.json() == {"error": {"code": "PAYLOAD_TOO_LARGE", "message": "payload too large",
                                  "correlationId": "big"}}
    assert r.headers["x-correlation-id"] == "big"
    # Exactly 1 MiB is within the limit.
    ok = server.post("/v1/auth/register", data=b"{" + b" " * (1024 * 1024 - 2) + b"}",
                     headers={"Content-Type": "application/json"})
    assert ok.status_code != 413


def test_compressed_bodies_are_refused_with_415(server):
    r = server.post("/v1/auth/register", data=b"\x1f\x8b",
                    headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert r.status_code == 415
    assert r.json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_request_log_lines(server):
    server.get("/health?token=secret-in-query&email=a@b.cd",
               headers={"x-correlation-id": "log-check", "Authorization": "Bearer log-secret-x"})
    server.get("/metrics", headers={"Authorization": "Bearer " + METRICS_TOKEN})
    line = server.wait_for_log(lambda l: l.get("correlationId") == "log-check")
    server.wait_for_log(lambda l: l.get("msg") == "http_request" and l.get("url") == "/metrics")
    lines = server.log_lines()
    assert line["msg"] == "http_request"
    assert line["level"] == 30
    keys = list(line.keys())
    assert keys[:4] == ["level", "time", "pid", "hostname"]
    assert keys[4:] == ["correlationId", "method", "url", "statusCode", "durationMs", "msg"]
    assert line["method"] == "GET" and line["url"] == "/health" and line["statusCode"] == 200
    assert isinstance(line["durationMs"], int)
    log = server.stdout()
    for secret in ["secret-in-query", "a@b.cd", "log-secret-x", METRICS_TOKEN, "Authorization"]:
        assert secret not in log
    started = [l for l in lines if l["msg"] == "server_started"]
    assert started and started[0]["port"] == server.port


def test_log_level_respected(make_server):
    quiet = make_server(LOG_LEVEL="warn")
    quiet.get("/health")
    assert "http_request" not in quiet.stdout()
    silent = make_server(LOG_LEVEL="silent")
    silent.get("/health")
    assert silent.stdout() == ""


def test_ipv6_and_ipv4_both_served(server):
    # Dual stack: the server listens on :: and takes IPv4 peers too (when the host has IPv6).
    assert server.get("/health").status_code == 200
    try:
        conn = socket.create_connection(("::1", server.port), timeout=2)
    except OSError:
        return  # no IPv6 on this host: the server fell back to 0.0.0.0
    with conn:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert conn.recv(12) == b"HTTP/1.1 200"
