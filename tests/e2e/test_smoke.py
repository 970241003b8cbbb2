"""`authkit-server smoke`: the production smoke check (docs/server.md#smoke-check) against the
real server (as the tests and as `make run` start it), behind TLS, against a stopped server, a
deployment that gets replay detection wrong, and one that never finishes its answer."""
import os
import re
import signal
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import SERVER_BIN, Server, free_port
from smoke_servers import TlsFront, TricklingServer, WrongDeployment, self_signed_certificate

STEPS = ["register", "login", "me", "refresh", "refresh-again", "replay", "after-replay",
         "login-again", "logout", "after-logout"]
RUN_SERVER_SH = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "run-server.sh")
JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


def smoke(*args, timeout=120):
    return subprocess.run([SERVER_BIN, "smoke", *args], capture_output=True, text=True,
                          timeout=timeout, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})


def assert_passed(r):
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    for step in STEPS:
        assert any(re.match(r"\s+%s\s+\d{3}\s+\d+ ms$" % re.escape(step), l) for l in lines), \
            (step, r.stdout)
    assert "authkit-server smoke: passed in " in r.stdout
    assert r.stderr == ""
    assert not JWT.search(r.stdout + r.stderr)


def live_server(make_server):
    """With the PostgreSQL backend every test server shares one Redis, so 127.0.0.1's request
    budget is shared by the whole e2e run: a budget far above the run's traffic keeps the
    smoke check's register from being refused for other tests' requests."""
    return make_server(RATE_LIMIT_MAX_REQUESTS="100000")


def test_passes_against_a_live_server(make_server):
    s = live_server(make_server)
    r = smoke("--url", s.url)
    assert_passed(r)
    account = re.search(r"account (smoke-[0-9a-f]{16}@example\.com)", r.stdout).group(1)
    assert "left behind: the user " + account in r.stdout
    # Every step sent its own correlation id, so an operator can find it in the server's log.
    run_id = account[len("smoke-"):account.index("@")]
    for step in STEPS:
        s.wait_for_log(lambda l, step=step: l.get("correlationId") == f"smoke-{run_id}-{step}")


def test_passes_against_the_server_make_run_starts():
    """scripts/run-server.sh is what `make run` runs after building: .env with fresh secrets,
    migrate, serve on PORT with the default SQLite file and Argon2 cost."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(["bash", RUN_SERVER_SH, SERVER_BIN], cwd=tmp,
                                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                     "PORT": str(port)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.time() + 30
            while True:
                assert proc.poll() is None, proc.stderr.read().decode()
                try:
                    requests.get(f"http://127.0.0.1:{port}/health", timeout=1)
                    break
                except requests.ConnectionError:
                    assert time.time() < deadline
                    time.sleep(0.1)
            assert_passed(smoke("--url", f"http://localhost:{port}/"))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)


def test_fails_clearly_against_a_stopped_server():
    port = free_port()
    started = time.time()
    r = smoke("--url", f"http://127.0.0.1:{port}", "--timeout", "2")
    assert r.returncode == 1
    assert time.time() - started < 10
    assert (f'FAILED at step "register": POST http://127.0.0.1:{port}/v1/auth/register '
            f"no answer: could not connect") in r.stderr, r.stderr
    assert "expected 201" in r.stderr
    # Nothing reached a server: nothing is left behind, and nothing to clean up.
    assert "left behind" not in r.stderr and "clean-up" not in r.stderr


def test_fails_at_replay_against_a_deployment_without_replay_detection():
    wrong = WrongDeployment()
    try:
        r = smoke("--url", wrong.url)
    finally:
        wrong.close()
    assert r.returncode == 1
    assert (f'FAILED at step "replay": POST {wrong.url}'
            "/v1/auth/tokens/refresh answered 200; expected 401 REFRESH_TOKEN_REUSED") in r.stderr, \
        r.stderr
    assert "after-replay" not in r.stdout
    # The session the replay left open is ended, and the user named as left behind.
    assert ("DELETE", "/v1/auth/sessions") in [(m, p) for m, p, _, _ in wrong.requests]
    assert "clean-up: ended every session of the account" in r.stderr
    assert re.search(r"left behind: the user smoke-[0-9a-f]{16}@example\.com", r.stderr)
    output = r.stdout + r.stderr
    assert wrong.passwords and wrong.issued_tokens
    for secret in wrong.passwords + wrong.issued_tokens:
        assert secret not in output


def test_never_prints_a_token_a_deployment_echoes():
    wrong = WrongDeployment(echo_on_replay=True)
    try:
        r = smoke("--url", wrong.url)
    finally:
        wrong.close()
    assert r.returncode == 1
    assert ('FAILED at step "replay"' in r.stderr and
            "answered 401 INVALID_REFRESH_TOKEN (unknown token [redacted])" in r.stderr), r.stderr
    for secret in wrong.passwords + wrong.issued_tokens:
        assert secret not in r.stdout + r.stderr


def test_https_with_the_deployments_authority_and_without(make_server):
    s = live_server(make_server)
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = self_signed_certificate(tmp)
        front = TlsFront(s.port, cert, key)
        try:
            assert_passed(smoke("--url", front.url, "--ca-file", cert))
            # The system's authorities do not know this certificate: refused, clearly.
            r = smoke("--url", front.url, "--timeout", "5")
        finally:
            front.close()
    assert r.returncode == 1
    assert 'FAILED at step "register"' in r.stderr
    assert "TLS certificate was not accepted" in r.stderr, r.stderr
    assert "left behind" not in r.stderr


def test_bounds_an_answer_that_never_ends():
    slow = TricklingServer(interval=0.3)
    started = time.time()
    try:
        r = smoke("--url", slow.url, "--timeout", "1")
    finally:
        slow.close()
    assert r.returncode == 1
    assert time.time() - started < 8
    assert 'FAILED at step "register"' in r.stderr
    assert "no whole answer within 1 s" in r.stderr, r.stderr
    # The request was sent: the user may exist, and the check says so.
    assert "left behind: perhaps the user" in r.stderr


@pytest.mark.parametrize("args, message", [
    ([], "--url is required"),
    (["--url", "ftp://example.com"], "must start with http:// or https://"),
    (["--url", "https://user:hunter2@example.com"], "must not hold user information"),
    (["--url", "http://example.com", "--timeout", "0"], "--timeout must be"),
    (["--url", "http://example.com", "--ca-file", "/nonexistent/ca.pem"], "cannot read"),
    (["--url", "http://example.com", "--url", "http://example.org"], "given twice"),
    (["--url", "http://example.com", "--frobnicate"], "unknown option"),
])
def test_usage_errors_exit_2(args, message):
    r = smoke(*args)
    assert r.returncode == 2
    assert message in r.stderr and "Usage: authkit-server smoke" in r.stderr
    assert "hunter2" not in r.stderr


def test_help():
    r = smoke("--help")
    assert r.returncode == 0 and "--url URL" in r.stdout
    r = subprocess.run([SERVER_BIN, "--help"], capture_output=True, text=True, timeout=30)
    assert "smoke" in r.stdout
