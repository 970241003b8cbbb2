"""Fixtures that start the real authkit-server binary on a free port."""
import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

SERVER_BIN = os.environ.get("AUTHKIT_SERVER_BIN", "")

ACCESS_SECRET = "e2e-access-secret-0123456789-abcdefghijkl"
REFRESH_SECRET = "e2e-refresh-secret-0123456789-abcdefghijkl"
METRICS_TOKEN = "e2e-metrics-token-0123456789"


def pytest_collection_modifyitems(config, items):
    if not SERVER_BIN or not os.access(SERVER_BIN, os.X_OK):
        raise pytest.UsageError("AUTHKIT_SERVER_BIN must name the authkit-server binary")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_request(port, data, source=None):
    """Sends raw bytes (headers requests would refuse to send) on a connection of its own, from
    the loopback address `source` when given, and returns all the server sent until it closed."""
    with socket.create_connection(("127.0.0.1", port), timeout=10,
                                  source_address=(source, 0) if source else None) as conn:
        conn.sendall(data)
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


# AUTHKIT_E2E_BACKEND=postgres runs the servers on PostgreSQL + Redis (scripts/with-services.sh
# provides them); anything else on SQLite in memory with the memory rate limiter.
BACKEND = os.environ.get("AUTHKIT_E2E_BACKEND", "sqlite")


def postgres_schema_url():
    """A fresh schema in the test database, so that servers never see each other's rows."""
    base = os.environ.get("AUTHKIT_TEST_POSTGRES_URL")
    if not base:
        raise pytest.UsageError("AUTHKIT_E2E_BACKEND=postgres needs AUTHKIT_TEST_POSTGRES_URL "
                                "(run through scripts/with-services.sh)")
    psql = os.path.join(os.environ.get("AUTHKIT_TEST_PG_BIN", ""), "psql")
    if not os.access(psql, os.X_OK):
        psql = "psql"
    schema = "e2e_" + uuid.uuid4().hex[:12]
    subprocess.run([psql, "-q", "-v", "ON_ERROR_STOP=1", base, "-c", f"CREATE SCHEMA {schema}"],
                   check=True, capture_output=True, timeout=30)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def backend_env():
    if BACKEND != "postgres":
        return {"DATABASE_URL": "sqlite::memory:"}
    redis = os.environ.get("AUTHKIT_TEST_REDIS_URL")
    if not redis:
        raise pytest.UsageError("AUTHKIT_E2E_BACKEND=postgres needs AUTHKIT_TEST_REDIS_URL")
    return {"DATABASE_URL": postgres_schema_url(), "REDIS_URL": redis}


def base_env(**overrides):
    """A clean environment: nothing of the caller's leaks in (PORT, LOG_LEVEL, ...)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ACCESS_TOKEN_SECRET": ACCESS_SECRET,
        "REFRESH_TOKEN_SECRET": REFRESH_SECRET,
        **backend_env(),
        "ARGON2_OPSLIMIT": "1",
        "ARGON2_MEMLIMIT": "8192",
        "LOG_LEVEL": "info",
    }
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args, env, cwd=None, timeout=30):
    with tempfile.TemporaryDirectory() as tmp:
        return subprocess.run([SERVER_BIN, *args], env=env, cwd=cwd or tmp, capture_output=True,
                              text=True, timeout=timeout)


class Server:
    """One authkit-server process; stdout (the JSON log) goes to a file read by tests."""

    # How long a server may take to answer /health after it was started.
    start_timeout = 15

    # Ports free_port() picks that another process takes before the server binds them (suites
    # run in parallel): the server is started again on another, at most this many times.
    port_attempts = 3

    def __init__(self, env=None, cwd=None, **overrides):
        self.tmp = tempfile.TemporaryDirectory()
        self.cwd = cwd or self.tmp.name
        env = dict(env) if env is not None else base_env(**overrides)
        port_chosen_here = "PORT" not in env
        self.log_path = os.path.join(self.tmp.name, "stdout.log")
        self.err_path = os.path.join(self.tmp.name, "stderr.log")
        for attempt in range(1, self.port_attempts + 1):
            if port_chosen_here:
                env["PORT"] = str(free_port())
            self.port = int(env["PORT"])
            self.url = f"http://127.0.0.1:{self.port}"
            with open(self.log_path, "wb") as out, open(self.err_path, "wb") as err:
                self.proc = subprocess.Popen([SERVER_BIN], env=env, cwd=self.cwd, stdout=out,
                                             stderr=err)
            try:
                self._wait_started()
                return
            except RuntimeError as exited:
                taken = "cannot listen on port" in str(exited)
                if not (port_chosen_here and taken and attempt < self.port_attempts):
                    raise
            except BaseException:
                self.proc.kill()  # a server that never answered is not left running
                self.proc.wait()
                raise

    def _wait_started(self):
        deadline = time.time() + self.start_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.stderr()}")
            try:
                requests.get(self.url + "/health", timeout=1)
                break
            except (requests.ConnectionError, requests.Timeout):
                # Timeout: accepted but not answered within 1 s yet (a loaded machine, the
                # sanitizers); the deadline below still bounds the wait.
                if time.time() > deadline:
                    raise
                time.sleep(0.05)

    def get(self, path, **kw):
        return requests.get(self.url + path, timeout=10, **kw)

    def post(self, path, **kw):
        return requests.post(self.url + path, timeout=10, **kw)

    def request(self, method, path, **kw):
        return requests.request(method, self.url + path, timeout=10, **kw)

    def stdout(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stderr(self):
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def log_lines(self):
        import json
        return [json.loads(line) for line in self.stdout().splitlines() if line.strip()]

    def wait_for_log(self, predicate, timeout=10):
        """The first log line satisfying `predicate`, waiting for it: the server writes a
        request's log line after the response has left, so a client can read its response
        before the line exists (it lags most under the sanitizers)."""
        deadline = time.time() + timeout
        while True:
            for line in self.log_lines():
                if predicate(line):
                    return line
            if time.time() > deadline:
                raise AssertionError("no log line matched within %ss" % timeout)
            time.sleep(0.02)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def close(self):
        self.stop()
        self.tmp.cleanup()


@pytest.fixture(scope="module")
def server():
    """A server with metrics on and a scrape token."""
    s = Server(METRICS_ENABLED="true", METRICS_AUTH_TOKEN=METRICS_TOKEN)
    yield s
    s.close()


@pytest.fixture
def make_server():
    started = []

    def make(**kw):
        s = Server(**kw)
        started.append(s)
        return s

    yield make
    for s in started:
        s.close()
