"""The process: subcommands, configuration errors, .env, signals and graceful shutdown."""
import os
import signal
import tempfile

import pytest

from conftest import ACCESS_SECRET, Server, base_env, free_port, run


def test_version():
    r = run(["--version"], base_env())
    assert r.returncode == 0
    assert r.stdout.startswith("authkit-server ")


def test_help_and_unknown_command():
    r = run(["--help"], base_env())
    assert r.returncode == 0 and "migrate" in r.stdout and "serve" in r.stdout
    r = run(["frobnicate"], base_env())
    assert r.returncode == 2 and "unknown command" in r.stderr


def test_config_errors_exit_2_naming_every_variable_without_secrets():
    secret = "short-secret-value-XYZ"
    token = "tiny-token-val"
    env = base_env(ACCESS_TOKEN_SECRET=secret, REFRESH_TOKEN_SECRET=None, PORT="abc",
                   METRICS_AUTH_TOKEN=token, HTTP_THREADS="0", DOCS_ENABLED="maybe")
    r = run([], env)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    for name in ["PORT", "ACCESS_TOKEN_SECRET", "REFRESH_TOKEN_SECRET", "METRICS_AUTH_TOKEN",
                 "HTTP_THREADS", "DOCS_ENABLED"]:
        assert name + ":" in r.stderr, name
    assert "Invalid environment configuration: " in r.stderr
    assert secret not in r.stderr and token not in r.stderr


def test_config_error_also_for_migrate():
    r = run(["migrate"], base_env(ACCESS_TOKEN_SECRET=None))
    assert r.returncode == 2 and "ACCESS_TOKEN_SECRET" in r.stderr


def test_migrate_applies_once():
    with tempfile.TemporaryDirectory() as tmp:
        env = base_env(DATABASE_URL="sqlite://" + os.path.join(tmp, "auth.db"))
        first = run(["migrate"], env, cwd=tmp)
        assert first.returncode == 0, first.stderr
        assert "applied" in first.stdout
        assert os.path.exists(os.path.join(tmp, "auth.db"))
        again = run(["migrate"], env, cwd=tmp)
        assert again.returncode == 0 and "already up to date" in again.stdout


def test_migrate_on_start():
    with tempfile.TemporaryDirectory() as tmp:
        env = base_env(DATABASE_URL="sqlite://" + os.path.join(tmp, "auth.db"),
                       MIGRATE_ON_START="false")
        # Off: a schema that is behind stops the start, naming the remedy.
        refused = run([], env, cwd=tmp)
        assert refused.returncode != 0
        assert "authkit-server migrate" in refused.stderr
        assert run(["migrate"], env, cwd=tmp).returncode == 0
        s = Server(env=env, cwd=tmp)
        try:
            assert s.get("/ready").status_code == 200
            assert "migrations_applied" not in s.stdout()
        finally:
            s.close()
    # On (the default): the server migrates a fresh database itself and says so.
    s = Server()
    try:
        line = s.wait_for_log(lambda l: l["msg"] == "migrations_applied")
        assert line["currentVersion"] >= 1 and line["count"] >= 1
    finally:
        s.close()


def test_start_failure_says_why_without_the_password():
    port = free_port()  # nothing listens there
    env = base_env(DATABASE_URL=f"postgresql://app:s3cret-pw@127.0.0.1:{port}/auth")
    r = run([], env)
    assert r.returncode == 1
    assert "cannot start" in r.stderr and "Connection refused" in r.stderr
    assert "s3cret-pw" not in r.stderr + r.stdout


@pytest.mark.parametrize("sig,name", [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")])
def test_signal_shuts_down_gracefully(sig, name):
    s = Server()
    try:
        assert s.get("/health").status_code == 200
        assert s.stop(sig) == 0
        messages = [(l["msg"], l.get("signal")) for l in s.log_lines()]
        assert ("server_shutdown_started", name) in messages
        assert ("server_shutdown_completed", name) in messages
        assert messages.index(("server_shutdown_started", name)) < messages.index(
            ("server_shutdown_completed", name))
    finally:
        s.close()


def test_dotenv_is_read_without_overriding_the_environment():
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, ".env"), "w") as f:
            f.write("# settings for the e2e test\n"
                    "\n"
                    "export METRICS_ENABLED=true\n"
                    "METRICS_AUTH_TOKEN='dotenv-token-0123456789' # a comment\n"
                    'JWT_ISSUER="issuer with # hash"\n'
                    "DOCS_ENABLED=true\n")
        env = base_env(DOCS_ENABLED="false", ACCESS_TOKEN_SECRET=None)
        # A variable only in the file, another in both: the environment wins.
        with open(os.path.join(tmp, ".env"), "a") as f:
            f.write(f"ACCESS_TOKEN_SECRET={ACCESS_SECRET}\n")
        s = Server(env=env, cwd=tmp)
        try:
            assert s.get("/docs.json").json() == {"message": "docs disabled"}
            assert s.get("/metrics").status_code == 401
            ok = s.get("/metrics", headers={"Authorization": "Bearer dotenv-token-0123456789"})
            assert ok.status_code == 200
        finally:
            s.close()


def test_bad_dotenv_names_the_line_not_the_value():
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, ".env"), "w") as f:
            f.write("GOOD=1\nACCESS_TOKEN_SECRET=\"unterminated-secret-value\n")
        r = run([], base_env(), cwd=tmp)
        assert r.returncode == 2
        assert "line 2" in r.stderr and "unterminated-secret-value" not in r.stderr


def test_sigterm_drains_an_in_flight_request():
    import socket
    import time
    s = Server()
    try:
        conn = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        # The request is in flight: headers sent, the body still to come.
        conn.sendall(b"POST /v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     b"\r\nContent-Length: 2\r\nx-correlation-id: in-flight\r\n\r\n")
        time.sleep(0.3)
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert s.proc.poll() is None, "the server must wait for the in-flight request"
        conn.sendall(b"{}")
        response = conn.recv(65536)
        assert response.startswith(b"HTTP/1.1 ")
        assert b"x-correlation-id: in-flight" in response
        conn.close()
        assert s.proc.wait(timeout=15) == 0
        messages = [l["msg"] for l in s.log_lines()]
        assert "http_request" in messages
        assert messages[-1] == "server_shutdown_completed"
    finally:
        s.close()


def test_shutdown_deadline_exits_1_when_a_request_does_not_finish():
    import socket
    import time
    s = Server(SHUTDOWN_TIMEOUT_MS="300", HTTP_READ_TIMEOUT_MS="30000")
    try:
        conn = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        conn.sendall(b"POST /v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     b"\r\nContent-Length: 10\r\n\r\n{")
        time.sleep(0.3)
        started = time.time()
        s.proc.send_signal(signal.SIGTERM)
        assert s.proc.wait(timeout=10) == 1
        assert time.time() - started < 5
        messages = [l["msg"] for l in s.log_lines()]
        assert "server_shutdown_timeout" in messages
        assert "server_shutdown_completed" not in messages
        conn.close()
    finally:
        s.close()


def test_purge_subcommand():
    with tempfile.TemporaryDirectory() as tmp:
        env = base_env(DATABASE_URL="sqlite://" + os.path.join(tmp, "auth.db"))
        assert run(["migrate"], env, cwd=tmp).returncode == 0
        r = run(["purge"], env, cwd=tmp)
        assert r.returncode == 0, r.stderr
        assert "purged 0 sessions and 0 tokens" in r.stdout
    r = run(["purge"], base_env(PURGE_INTERVAL="hourly"))
    assert r.returncode == 2 and "PURGE_INTERVAL:" in r.stderr


def test_periodic_purge_runs_and_stops_with_the_server():
    import time
    s = Server(PURGE_INTERVAL="100ms")
    try:
        deadline = time.time() + 10
        while "purge_completed" not in s.stdout() and time.time() < deadline:
            time.sleep(0.05)
        line = next(l for l in s.log_lines() if l["msg"] == "purge_completed")
        assert line["sessionsDeleted"] == 0 and line["tokensDeleted"] == 0
        assert s.stop() == 0
    finally:
        s.close()
