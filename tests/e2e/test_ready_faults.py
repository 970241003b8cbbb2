"""/ready follows its dependencies: 503 while PostgreSQL or Redis is stopped, 200 once it is
back (docs/compatibility.md#probe-timeouts). The servers stopped here are this module's own (scripts/services.sh), never the
shared ones of with-services.sh, so other tests running at the same time are not disturbed."""
import time

import pytest

from cluster_support import OwnServices
from conftest import Server, base_env


@pytest.fixture(scope="module")
def own():
    s = OwnServices()
    yield s
    s.close()


@pytest.fixture
def api(own):
    env = base_env(DATABASE_URL=own.new_database(), REDIS_URL=own.redis_url(),
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
