"""Real faults under load (ctest label `faults`; the figures are in
docs/security/testing.md#several-nodes-and-real-faults): redis-server killed, PostgreSQL
stopped, a server SIGKILLed in a refresh storm. The PostgreSQL cluster and the redis-server
killed or stopped here are this module's own, never the shared ones of with-services.sh.

No timing is asserted: every request has a hang guard (cluster_support.HANG_GUARD_S) and every
wait a deadline, and what is judged is what came back."""
import signal
import threading
import time
import uuid

import pytest

from cluster_support import (Cluster, Node, OwnServices, count,
                             invariant_violations, node_env, psql, report, scaled, table_counts,
                             token_hash)

OPEN = {"RATE_LIMIT_MAX_REQUESTS": "1000000", "LOGIN_MAX_FAILURES_PER_ACCOUNT": "1000000"}
WORKERS = 4
DEADLINE_S = scaled(60, 120)
# Answers to wait for in each phase of a fault (fewer under the sanitizers: each costs more).
PHASE = scaled(40, 20)


@pytest.fixture(scope="module")
def own():
    # Commits are flushed before they are acknowledged (the shared test cluster does not wait):
    # "every refresh answered 200 is in the database" must survive an immediate stop.
    s = OwnServices(pg_options="-c synchronous_commit=on")
    yield s
    s.close()


class Load:
    """`workers` threads, each with an account of its own, sending refresh and /me to the nodes in
    turn, logging in again when their session ended. Every answer is recorded with its start
    and end time; every refresh token answered 200 is kept."""

    def __init__(self, nodes, pause=0.005, workers=WORKERS):
        self.nodes = nodes
        self.pause = pause
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        # (start, end, route, status, code, node port); status None: no answer
        self.answers = []
        self.issued = []       # refresh tokens answered with 200
        self.emails = [f"load-{uuid.uuid4().hex[:12]}@faults.test" for _ in range(workers)]
        for email in self.emails:
            assert nodes[0].register(email).status == 201
        self.threads = [threading.Thread(target=self.work, args=(i,)) for i in range(workers)]
        for t in self.threads:
            t.start()

    def record(self, node, route, send):
        started = time.time()
        try:
            answer = send()
        except OSError as e:
            answer = None
            error = type(e).__name__
        ended = time.time()
        with self.lock:
            self.answers.append((started, ended, route, answer.status if answer else None,
                                 answer.code if answer else error, node.port))
        return answer

    def work(self, worker):
        email = self.emails[worker]
        tokens = None
        turn = worker
        while not self.stop_event.is_set():
            node = self.nodes[turn]
            turn += 1
            if tokens is None:
                answer = self.record(node, "login", lambda: node.login(email))
                if answer is not None and answer.status == 200:
                    tokens = answer.body
                    with self.lock:
                        self.issued.append(tokens["refreshToken"])
            else:
                answer = self.record(node, "refresh",
                                     lambda: node.refresh(tokens["refreshToken"]))
                if answer is not None and answer.status == 200:
                    tokens = answer.body
                    with self.lock:
                        self.issued.append(tokens["refreshToken"])
                elif answer is not None and answer.status == 401:
                    tokens = None
                if tokens is not None:
                    access = tokens["accessToken"]
                    self.record(node, "me", lambda: node.me(access))
            time.sleep(self.pause)

    def count_answers(self, after=0.0, route=None, status=None):
        with self.lock:
            return sum(1 for a in self.answers if a[0] >= after
                       and (route is None or a[2] == route) and (status is None or a[3] == status))

    def wait_for(self, predicate, what, explain=lambda: ""):
        deadline = time.time() + DEADLINE_S
        while not predicate():
            if time.time() > deadline:
                with self.lock:
                    last = self.answers[-20:]
                raise AssertionError(f"hang guard: {what}; {explain()}; last answers: {last}; "
                                     f"now {time.time()}")
            time.sleep(0.05)

    def stop(self):
        self.stop_event.set()
        for t in self.threads:
            t.join()

    def tally(self, start=0.0, end=float("inf")):
        """{"route status code": n} over the answers sent and received within [start, end]."""
        counts = {}
        with self.lock:
            for a in self.answers:
                if a[0] >= start and a[1] <= end:
                    count(counts, f"{a[2]} {a[3]} {a[4] or ''}".strip())
        return counts


def limiter_events(cluster, since):
    """The nodes' rate_limiter_* log lines: what a failed wait for a recovery reports."""
    return [(n.port, [line for line in n.log_lines()
                      if str(line.get("msg", "")).startswith("rate_limiter")])
            for n in cluster.nodes] + [f"restarted at {since}"]


def server_errors(load):
    """Answers of 500 and above, and requests with no answer at all."""
    return [a for a in load.answers if a[3] is None or a[3] >= 500]


def test_redis_killed_under_load(own):
    database = own.new_database()
    cluster = Cluster(2, node_env(database, own.redis_url(), **OPEN))
    pids = [n.proc.pid for n in cluster.nodes]
    load = None
    redis_dead = False
    try:
        load = Load(cluster)
        load.wait_for(lambda: load.count_answers() >= PHASE, "load before the kill")
        fallback_before = [n.metric("auth_api_rate_limit_fallback_total") for n in cluster.nodes]
        killed_at = time.time()
        own.kill_redis()
        redis_dead = True
        load.wait_for(lambda: all(n.metric("auth_api_rate_limit_fallback_total") > b
                                  for n, b in zip(cluster.nodes, fallback_before)),
                      "the fallback counter rising on every node")
        load.wait_for(lambda: load.count_answers(after=killed_at) >= PHASE,
                      "load while Redis is dead")
        fallback_down = [n.metric("auth_api_rate_limit_fallback_total") for n in cluster.nodes]
        restarted_at = time.time()
        own.start_redis()
        redis_dead = False
        # Back to Redis without restarting a node: the next hit after a node's back-off probes
        # Redis and, answered, logs rate_limiter_recovered.
        load.wait_for(lambda: all(n.log_events("rate_limiter_recovered") for n in cluster.nodes),
                      "every node back on Redis", lambda: limiter_events(cluster, restarted_at))
        recovered_at = time.time()
        fallback_after = [n.metric("auth_api_rate_limit_fallback_total") for n in cluster.nodes]
        load.wait_for(lambda: load.count_answers(after=recovered_at) >= PHASE,
                      "load after recovery")
        load.stop()
        fallback_end = [n.metric("auth_api_rate_limit_fallback_total") for n in cluster.nodes]
        keys = own.redis_keys()
        report("redis-server SIGKILLed under load", {
            "answers": len(load.answers), **load.tally(),
            "while dead": sum(load.tally(killed_at, restarted_at).values()),
            "fallback before/dead/recovered/end": list(zip(fallback_before, fallback_down,
                                                           fallback_after, fallback_end)),
            "keys in the restarted Redis": keys})
        assert server_errors(load) == []
        assert all(d > b for b, d in zip(fallback_before, fallback_down))
        # Hits after the recovery were counted in Redis, not in memory.
        assert fallback_end == fallback_after
        assert keys > 0
        assert [n.proc.poll() for n in cluster.nodes] == [None, None]
        assert [n.proc.pid for n in cluster.nodes] == pids
        violations = invariant_violations(database)
        assert violations == dict.fromkeys(violations, 0), violations
    finally:
        if load is not None:
            load.stop()
        if redis_dead:  # a failure while it was dead: the next tests need it
            own.start_redis()
        cluster.close()


def test_postgres_stopped_under_load(own):
    database = own.new_database()
    cluster = Cluster(2, node_env(database, own.redis_url(1), **OPEN))
    pids = [n.proc.pid for n in cluster.nodes]
    load = None
    pg_stopped = False
    try:
        load = Load(cluster)
        load.wait_for(lambda: load.count_answers(route="refresh", status=200) >= PHASE,
                      "load before the stop")
        own.stop_pg()
        pg_stopped = True
        stopped_at = time.time()
        load.wait_for(lambda: load.count_answers(after=stopped_at) >= scaled(200, 80),
                      "load while stopped")
        readiness = [n.ready() for n in cluster.nodes]
        starting_at = time.time()
        own.start_pg()
        pg_stopped = False
        started_at = time.time()
        load.wait_for(lambda: load.count_answers(after=started_at, route="refresh",
                                                 status=200) >= PHASE,
                      "refreshes answered 200 after the restart")
        load.stop()

        down = load.tally(stopped_at, starting_at)
        report("PostgreSQL stopped under load", {
            "answers": len(load.answers), **load.tally(), "while stopped": down,
            "/ready while stopped": [(r.status, r.body["dependencies"]) for r in readiness],
            "refresh tokens answered 200": len(load.issued),
            "stopped for s": round(starting_at - stopped_at, 2),
            "pg_ctl start took s": round(started_at - starting_at, 2),
            "503 after pg_ctl start returned": sum(1 for a in load.answers
                                                   if a[0] >= started_at and a[3] == 503),
            "first 200 after pg_ctl start returned, s": round(min(
                a[1] for a in load.answers if a[0] >= started_at and a[3] == 200) - started_at,
                2)})
        # While it is down every request is answered, and with the 503 envelope.
        assert down and all(key.endswith(" 503 SERVICE_UNAVAILABLE") for key in down), down
        assert all((r.status, r.body["status"], r.body["dependencies"]["database"])
                   == (503, "not_ready", "down") for r in readiness)
        # Around the stop and the restart too: nothing but 200, 401 and the 503 envelope.
        assert server_errors(load) == [a for a in load.answers
                                       if a[3] == 503 and a[4] == "SERVICE_UNAVAILABLE"]
        assert [n.proc.pid for n in cluster.nodes] == pids
        assert [n.proc.poll() for n in cluster.nodes] == [None, None]
        # Nothing lost: every refresh token a client was given is in the database.
        hashes = ",".join(f"('{token_hash(t)}')" for t in load.issued)
        missing = psql(database, f"SELECT count(*) FROM (VALUES {hashes}) AS given(h) "
                       "WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens WHERE token_hash = h)")
        assert missing == [("0",)]
        violations = invariant_violations(database)
        assert violations == dict.fromkeys(violations, 0), violations
    finally:
        if load is not None:
            load.stop()
        if pg_stopped:  # a failure while it was stopped: the next tests need it
            own.start_pg()
        cluster.close()


def test_a_server_sigkilled_in_a_refresh_storm_leaves_the_invariants_whole(own):
    """Node 0 is SIGKILLed and started again, `kills` times, while eight workers rotate their
    chains on both nodes and a ninth replays tokens and revokes sessions. After each restart,
    and after the storm, the invariants query finds nothing (it reads one snapshot, so it must
    hold while the storm runs too)."""
    database = own.new_database()
    env = node_env(database, own.redis_url(2), **OPEN)
    cluster = Cluster(2, env)
    killed = []
    kills = scaled(3, 1)
    load = chaos = None
    chaos_stop = threading.Event()
    try:
        load = Load(cluster, pause=0, workers=8)

        # Beside the refresh chains: replays (compromising sessions) and revoke-alls, so that
        # every state change of the chains is in flight when a server dies.
        def make_chaos():
            email = f"chaos-{uuid.uuid4().hex[:12]}@faults.test"
            cluster[1].register(email)
            turn = 0
            while not chaos_stop.is_set():
                node = cluster[turn]
                turn += 1
                try:
                    tokens = node.login(email)
                    if tokens.status != 200:
                        continue
                    first = node.refresh(tokens.body["refreshToken"])
                    if turn % 2:
                        node.refresh(tokens.body["refreshToken"])   # a replay
                    elif first.status == 200:
                        node.revoke_all(first.body["accessToken"])
                except OSError:
                    pass

        chaos = threading.Thread(target=make_chaos)
        chaos.start()
        during = []
        for _ in range(kills):
            since = time.time()
            load.wait_for(lambda: load.count_answers(after=since, route="refresh",
                                                     status=200) >= PHASE, "the storm")
            victim = cluster.nodes[0]
            victim.stop(sig=signal.SIGKILL)
            killed.append(victim)
            assert victim.proc.returncode == -signal.SIGKILL
            cluster.nodes[0] = Node(env=dict(env))
            during.append(invariant_violations(database))
        since = time.time()
        load.wait_for(lambda: load.count_answers(after=since, route="refresh",
                                                 status=200) >= PHASE,
                      "the storm after the last restart")
        chaos_stop.set()
        chaos.join()
        load.stop()

        violations = invariant_violations(database)
        served = cluster[0].login(load.emails[0])
        report("server SIGKILLed in a refresh storm", {
            "kills": kills, "answers": len(load.answers), **load.tally(),
            **table_counts(database), **violations,
            "violations after each restart": [sum(d.values()) for d in during],
            "login on the restarted node": served.status})
        assert violations == dict.fromkeys(violations, 0), violations
        assert during == [violations] * kills
        assert served.status == 200
        assert cluster[0].refresh(served.body["refreshToken"]).status == 200
    finally:
        chaos_stop.set()
        if chaos is not None:
            chaos.join()
        if load is not None:
            load.stop()
        for node in killed:
            node.close()
        cluster.close()
