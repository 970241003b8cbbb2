"""/ready follows its dependencies: 503 while PostgreSQL or Redis is stopped, 200 once it is
back (docs/compatibility.md#probe-timeouts). The servers stopped here are this module's own (scripts/services.sh), never the
shared ones of with-services.sh, so other tests running at the same time are not disturbed."""
import os
import shutil
import subprocess
import time

import pytest

from conftest import Server, base_env

SERVICES_SH = os.environ.get("AUTHKIT_SERVICES_SH", "")


def services(script):
    """Runs `script` in bash with scripts/services.sh sourced; returns its stdout."""
    if not os.path.isfile(SERVICES_SH):
        raise pytest.UsageError("AUTHKIT_SERVICES_SH must name scripts/services.sh")
    done = subprocess.run(["bash", "-c", f". '{SERVICES_SH}' && {script}"], capture_output=True,
                          text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"services.sh: {script}: {done.stderr}")
    return done.stdout.strip()


class OwnServices:
    """A PostgreSQL cluster and a redis-server of this test's own, stoppable at will."""

    def __init__(self):
        self.dir = services("services_make_workdir")
        self.pg_port = services("free_port")
        self.redis_port = services("free_port")
        self.start_pg()
        services(f"pg_create_database '{self.dir}/pg' {self.pg_port} faults")
        self.start_redis()

    def start_pg(self):
        services(f"pg_start '{self.dir}/pg' {self.pg_port}")

    def stop_pg(self):
        services(f"pg_stop '{self.dir}/pg'")

    def start_redis(self):
        services(f"redis_start '{self.dir}/redis' {self.redis_port}")

    def stop_redis(self):
        services(f"redis_stop '{self.dir}/redis'")

    def close(self):
        self.stop_redis()
        self.stop_pg()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def own():
    s = OwnServices()
    yield s
    s.close()


@pytest.fixture
def api(own):
    env = base_env(DATABASE_URL=f"postgresql://postgres@127.0.0.1:{own.pg_port}/faults",
                   REDIS_URL=f"redis://127.0.0.1:{own.redis_port}/0",
                   METRICS_ENABLED="true")
    s = Server(env=env)
    yield s
    s.close()


def ready(api):
    r = api.get("/ready")
    return r.status_code, r.json()["status"], r.json()["dependencies"]


def wait_ready(api, expected_status, timeout=20):
    """The first /ready answer with `expected_status`: pools reconnect on their own schedule."""
    deadline = time.time() + timeout
    while True:
        answer = ready(api)
        if answer[0] == expected_status or time.time() > deadline:
            return answer
        time.sleep(0.2)


def test_ready_follows_redis(own, api):
    assert ready(api) == (200, "ready", {"database": "up", "redis": "up"})
    own.stop_redis()
    try:
        assert ready(api) == (503, "not_ready", {"database": "up", "redis": "down"})
        assert api.get("/health").status_code == 200  # liveness does not follow dependencies
        text = api.get("/metrics").text
        assert 'auth_api_readiness_failures_total{dependency="redis"}' in text
    finally:
        own.start_redis()
    assert wait_ready(api, 200) == (200, "ready", {"database": "up", "redis": "up"})


def test_ready_follows_postgres(own, api):
    assert ready(api) == (200, "ready", {"database": "up", "redis": "up"})
    own.stop_pg()
    try:
        started = time.time()
        assert ready(api) == (503, "not_ready", {"database": "down", "redis": "unknown"})
        # Probed with a timeout (docs/compatibility.md#probe-timeouts): a dead database is reported, not waited for.
        assert time.time() - started < 10
        text = api.get("/metrics").text
        assert 'auth_api_readiness_failures_total{dependency="database"}' in text
    finally:
        own.start_pg()
    assert wait_ready(api, 200) == (200, "ready", {"database": "up", "redis": "up"})
