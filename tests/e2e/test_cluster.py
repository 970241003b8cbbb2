"""Several authkit-server nodes on one PostgreSQL and one Redis behave as one (ctest label
`cluster`; docs/security/testing.md#several-nodes-and-real-faults has the figures). The
database is a fresh schema of the shared PostgreSQL of scripts/with-services.sh; Redis is this
module's own (one database per group of nodes), because one test stops it."""
import time
import uuid

import pytest

from cluster_support import (Cluster, OwnServices, count, invariant_violations, node_env, race,
                             report, scaled)
from conftest import postgres_schema_url

NODES = 3
# Rate-limit budgets of the "limits" nodes: small, so a test can spend them exactly.
REQUEST_LIMIT = 12
ACCOUNT_FAILURES = 4
OPEN = {"RATE_LIMIT_MAX_REQUESTS": "1000000", "LOGIN_MAX_FAILURES_PER_ACCOUNT": "1000000"}


@pytest.fixture(scope="module")
def redis():
    own = OwnServices(postgres=False)
    yield own
    own.close()


@pytest.fixture(scope="module")
def database():
    return postgres_schema_url()


def nodes(database, redis, db, **settings):
    return Cluster(NODES, node_env(database, redis.redis_url(db), **settings))


@pytest.fixture(scope="module")
def strict(database, redis):
    """Nodes without reuse grace and with budgets no test reaches."""
    c = nodes(database, redis, 1, **OPEN)
    yield c
    c.close()


def fresh_email(tag):
    return f"{tag}-{uuid.uuid4().hex[:12]}@cluster.test"


def logged_in(node, tag):
    email = fresh_email(tag)
    assert node.register(email).status == 201
    answer = node.login(email)
    assert answer.status == 200, answer
    return email, answer.body


def assert_invariants(database):
    violations = invariant_violations(database)
    assert violations == dict.fromkeys(violations, 0), violations


def test_a_replay_on_one_node_compromises_the_session_on_every_node(strict, database):
    rounds = scaled(10, 4)
    outcomes = {}
    for r in range(rounds):
        a, b = strict[r], strict[r + 1]
        _, tokens = logged_in(a, "replay")
        first = a.refresh(tokens["refreshToken"])
        assert first.status == 200
        replay = b.refresh(tokens["refreshToken"])
        count(outcomes, f"replay {replay.status} {replay.code}")
        assert (replay.status, replay.code) == (401, "REFRESH_TOKEN_REUSED")
        for node in strict.nodes:
            me = node.me(first.body["accessToken"])
            count(outcomes, f"me after {me.status} {me.code}")
            assert (me.status, me.code) == (401, "SESSION_NOT_ACTIVE")
            child = node.refresh(first.body["refreshToken"])
            count(outcomes, f"child refresh after {child.status}")
            assert child.status == 401
    report("replay across nodes", {"rounds": rounds, **outcomes})
    assert_invariants(database)


def test_the_16_thread_rotation_race_across_nodes_has_one_winner(strict, database):
    rounds = scaled(10, 4)
    outcomes = {}
    for r in range(rounds):
        _, tokens = logged_in(strict[r], "race")
        parent = tokens["refreshToken"]
        answers = race([lambda i=i: strict[i].refresh(parent) for i in range(16)])
        winners = [a for a in answers if a.status == 200]
        for a in answers:
            count(outcomes, f"{a.status} {a.code or 'rotated'}")
        assert len(winners) == 1, answers
        # The replay that lost compromised the session: the winner's child is dead too.
        assert strict[r + 1].refresh(winners[0].body["refreshToken"]).status == 401
    report("16-thread rotation race, no grace", {"rounds": rounds, **outcomes})
    assert_invariants(database)


def test_the_16_thread_rotation_race_within_the_grace_shares_one_child(database, redis):
    grace = nodes(database, redis, 2, REFRESH_REUSE_GRACE_MS="60000", **OPEN)
    try:
        rounds = scaled(10, 4)
        outcomes = {}
        for r in range(rounds):
            _, tokens = logged_in(grace[r], "grace")
            parent = tokens["refreshToken"]
            answers = race([lambda i=i: grace[i].refresh(parent) for i in range(16)])
            statuses = {a.status for a in answers}
            children = {a.body["refreshToken"] for a in answers if a.status == 200}
            count(outcomes, f"statuses {sorted(statuses)}")
            count(outcomes, f"distinct children {len(children)}")
            assert statuses == {200} and len(children) == 1, answers
            # The one child is live, and rotates once.
            child = children.pop()
            assert grace[r + 1].refresh(child).status == 200
        report("16-thread rotation race, 60 s grace", {"rounds": rounds, **outcomes})
        assert_invariants(database)
    finally:
        grace.close()


def test_a_refresh_racing_revoke_all_on_another_node_leaves_no_usable_token(strict, database):
    rounds = scaled(50, 20)
    outcomes = {}
    for r in range(rounds):
        a, b, c = strict[r], strict[r + 1], strict[r + 2]
        _, tokens = logged_in(a, "revoke")
        refreshed, revoked = race([lambda: a.refresh(tokens["refreshToken"]),
                                   lambda: b.revoke_all(tokens["accessToken"])])
        assert revoked.status == 204, revoked
        if refreshed.status == 200:
            count(outcomes, "refresh first (200), its child then revoked")
            assert c.refresh(refreshed.body["refreshToken"]).status == 401
            assert c.me(refreshed.body["accessToken"]).status == 401
        else:
            count(outcomes, f"revoke first, refresh {refreshed.status} {refreshed.code}")
            assert refreshed.status == 401, refreshed
        assert c.me(tokens["accessToken"]).status == 401
        assert c.refresh(tokens["refreshToken"]).status == 401
    report("refresh on A racing revoke-all on B", {"rounds": rounds, **outcomes})
    assert_invariants(database)


def spend(cluster, source, requests):
    """`requests` logins of unknown accounts (401 while allowed: each a fresh e-mail, so the
    per-account bucket never fills) from `source`, sent to the nodes in turn; the answers'
    statuses counted."""
    statuses = {}
    for i in range(requests):
        answer = cluster[i].login(fresh_email("nobody"), "wrong-password", source=source)
        count(statuses, answer.status)
    return statuses


def guess(cluster, email, source, attempts):
    """`attempts` wrong passwords for `email` from `source`, to the nodes in turn."""
    statuses = {}
    for i in range(attempts):
        count(statuses, cluster[i].login(email, "wrong-password", source=source).status)
    return statuses


def wait_recovered(node, probe_source):
    """Sends hits to `node` until it logs `rate_limiter_recovered` (hang guard: 60 s)."""
    deadline = time.time() + scaled(60, 120)
    while not node.log_events("rate_limiter_recovered"):
        assert time.time() < deadline, "the node never went back to Redis"
        node.login(fresh_email("probe"), "wrong-password", source=probe_source)
        time.sleep(0.1)


def test_rate_limit_and_lockout_are_shared_while_redis_is_up_and_per_node_while_down(
        database, redis):
    """With Redis up the nodes share one budget; while it is down each node counts on its own
    (N nodes allow N times the limit), /ready says `redis: down` on every node while the auth
    routes still answer, and auth_api_rate_limit_fallback_total counts the hits answered from
    memory. After Redis is back the budget is shared again, without restarting a node."""
    limits = nodes(database, redis, 3, RATE_LIMIT_MAX_REQUESTS=str(REQUEST_LIMIT),
                   LOGIN_MAX_FAILURES_PER_ACCOUNT=str(ACCOUNT_FAILURES))
    block = uuid.uuid4().int % 200 + 20
    sources = iter(f"127.{block}.0.{i}" for i in range(1, 250))
    try:
        # Redis up: one budget for the cluster.
        up = spend(limits, next(sources), NODES * REQUEST_LIMIT)
        report("request limit, Redis up", {"limit": REQUEST_LIMIT, "nodes": NODES, **up})
        assert up == {401: REQUEST_LIMIT, 429: (NODES - 1) * REQUEST_LIMIT}

        victim = fresh_email("victim")
        assert limits[0].register(victim, source=next(sources)).status == 201
        guesses = guess(limits, victim, next(sources), NODES * ACCOUNT_FAILURES)
        right = {n.port: n.login(victim, source=next(sources)).status for n in limits.nodes}
        report("account lockout, Redis up", {"limit": ACCOUNT_FAILURES, **guesses,
                                             "right password after": sorted(right.values())})
        assert guesses == {401: ACCOUNT_FAILURES, 429: (NODES - 1) * ACCOUNT_FAILURES}
        assert set(right.values()) == {429}

        fallback_before = [n.metric("auth_api_rate_limit_fallback_total") for n in limits.nodes]
        redis.stop_redis()
        try:
            down = spend(limits, next(sources), NODES * REQUEST_LIMIT + NODES)
            report("request limit, Redis down", {"limit": REQUEST_LIMIT, "nodes": NODES, **down})
            assert down == {401: NODES * REQUEST_LIMIT, 429: NODES}

            victim_down = fresh_email("victim-down")
            assert limits[0].register(victim_down, source=next(sources)).status == 201
            guesses = guess(limits, victim_down, next(sources), NODES * ACCOUNT_FAILURES + NODES)
            report("account lockout, Redis down", {"limit": ACCOUNT_FAILURES, **guesses})
            assert guesses == {401: NODES * ACCOUNT_FAILURES, 429: NODES}

            # What a load balancer sees: every node not ready because of Redis alone, while each
            # one serves logins and /health.
            seen = {}
            for n in limits.nodes:
                ready = n.ready()
                count(seen, f"/ready {ready.status} redis={ready.body['dependencies']['redis']}"
                      f" database={ready.body['dependencies']['database']}")
                assert (ready.status, ready.body["dependencies"]) == (
                    503, {"database": "up", "redis": "down"})
                assert n.metric("auth_api_readiness_failures_total") >= 1
                count(seen, f"/health {n.call('GET', '/health').status}")
                count(seen, f"login {n.login(victim, source=next(sources)).status}")
                login = n.login(fresh_email("nobody"), "wrong-password", source=next(sources))
                count(seen, f"unknown login {login.status}")
                assert login.status == 401
            report("every node while Redis is down", seen)
            fallback = [n.metric("auth_api_rate_limit_fallback_total") for n in limits.nodes]
            report("auth_api_rate_limit_fallback_total", {"before": fallback_before,
                                                          "during": fallback})
            assert all(d > b for b, d in zip(fallback_before, fallback))
        finally:
            redis.start_redis()

        # Back on Redis without a restart: each node probes Redis again on a hit after its
        # back-off (1 s, doubling while it stays down).
        probe = next(sources)
        for n in limits.nodes:
            wait_recovered(n, probe)
        shared_again = next(sources)
        again = spend(limits, shared_again, NODES * REQUEST_LIMIT)
        report("request limit, Redis back", {"limit": REQUEST_LIMIT, **again})
        assert again == {401: REQUEST_LIMIT, 429: (NODES - 1) * REQUEST_LIMIT}
        assert redis.redis_keys(3) > 0
    finally:
        limits.close()
