"""What the cluster and fault tests share: PostgreSQL and redis-server processes of a test's own
(stoppable without disturbing the shared ones of scripts/with-services.sh), several
authkit-server nodes on one database and one Redis, a small HTTP client that can send from any
loopback address (the rate limiter keys by client address), and the database invariants of the
refresh-token chains, checked with one query."""
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import threading
import time

import pytest

from conftest import Server, base_env

SERVICES_SH = os.environ.get("AUTHKIT_SERVICES_SH", "")
# Sanitizer builds run the same checks with fewer repetitions: each request costs more there.
SANITIZED = bool(os.environ.get("AUTHKIT_SANITIZE"))
# The hang guard of every request: a request that takes longer is a failure ("no answer"), which
# is what a server stuck on a dead dependency would give. Not a latency bound.
HANG_GUARD_S = 60 if SANITIZED else 30
PASSWORD = "cluster-pass-123"


def scaled(dev, sanitized):
    return sanitized if SANITIZED else dev


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
    """A PostgreSQL cluster and a redis-server of one test module's own, stoppable at will.
    `pg_options` are extra `-c name=value` settings of the cluster."""

    def __init__(self, postgres=True, pg_options=""):
        self.dir = services("services_make_workdir")
        self.pg_port = services("free_port") if postgres else None
        self.redis_port = services("free_port")
        self.pg_options = pg_options
        self.databases = 0
        if postgres:
            self.start_pg()
        self.start_redis()

    def start_pg(self):
        services(f"pg_start '{self.dir}/pg' {self.pg_port} '{self.pg_options}'")

    def stop_pg(self):
        """An immediate stop: connections are cut, nothing is shut down cleanly."""
        services(f"pg_stop '{self.dir}/pg'")

    def new_database(self):
        """The URL of a fresh, empty database in this cluster."""
        self.databases += 1
        name = f"db{self.databases}"
        services(f"pg_create_database '{self.dir}/pg' {self.pg_port} {name}")
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/{name}"

    def redis_url(self, db=0):
        return f"redis://127.0.0.1:{self.redis_port}/{db}"

    def start_redis(self):
        services(f"redis_start '{self.dir}/redis' {self.redis_port}")

    def stop_redis(self):
        services(f"redis_stop '{self.dir}/redis'")

    def kill_redis(self):
        """SIGKILL: redis-server gets no chance to close its connections."""
        with open(f"{self.dir}/redis/redis.pid", encoding="ascii") as f:
            pid = int(f.read().strip())
        os.kill(pid, 9)
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.01)
        os.remove(f"{self.dir}/redis/redis.pid")

    def redis_keys(self, db=0):
        """The number of keys in Redis database `db`."""
        done = subprocess.run(["redis-cli", "-p", str(self.redis_port), "-n", str(db), "dbsize"],
                              capture_output=True, text=True, timeout=30, check=True)
        return int(done.stdout.strip())

    def close(self):
        self.stop_redis()
        if self.pg_port:
            self.stop_pg()
        shutil.rmtree(self.dir, ignore_errors=True)


def psql(url, sql):
    """Rows of `sql` run on `url` (one tuple of strings per row). The SQL goes through stdin:
    it may be longer than a command-line argument can be."""
    binary = os.path.join(os.environ.get("AUTHKIT_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"),
                          "psql")
    if not os.access(binary, os.X_OK):
        binary = "psql"
    done = subprocess.run([binary, "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", url],
                          input=sql, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"psql: {done.stderr}")
    return [tuple(line.split("|")) for line in done.stdout.splitlines() if line]


# The refresh-token chain invariants (docs/security/testing.md#several-nodes-and-real-faults):
# each column counts the rows that break one; all must be 0.
INVARIANTS_SQL = """
SELECT
  (SELECT count(*) FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
     WHERE t.status = 'ACTIVE' AND s.status <> 'ACTIVE'),
  (SELECT count(*) FROM (SELECT session_id FROM refresh_tokens WHERE status = 'ACTIVE'
     GROUP BY session_id HAVING count(*) > 1) AS two_active),
  (SELECT count(*) FROM refresh_tokens t WHERE t.status = 'USED' AND NOT EXISTS (
     SELECT 1 FROM refresh_tokens c WHERE c.id = t.replaced_by_token_id
       AND c.parent_token_id = t.id)),
  (SELECT count(*) FROM (SELECT parent_token_id FROM refresh_tokens
     WHERE parent_token_id IS NOT NULL GROUP BY parent_token_id HAVING count(*) > 1) AS forks)
"""
INVARIANT_NAMES = ("active token on a non-ACTIVE session", "sessions with two ACTIVE tokens",
                   "USED tokens without their child", "tokens with two children")


def invariant_violations(url):
    """{invariant: rows breaking it} over the whole database at `url`."""
    row = psql(url, INVARIANTS_SQL)[0]
    return dict(zip(INVARIANT_NAMES, (int(v) for v in row)))


def table_counts(url):
    """Sessions and refresh tokens by status: the size of what the invariants were checked on."""
    counts = {}
    for table in ("sessions", "refresh_tokens"):
        for status, n in psql(url, f"SELECT status, count(*) FROM {table} GROUP BY status"):
            counts[f"{table}.{status}"] = int(n)
    return counts


def token_hash(token):
    """How the library stores a refresh token: the SHA-256 hex of its text."""
    return hashlib.sha256(token.encode()).hexdigest()


class Answer:
    def __init__(self, status, body):
        self.status = status
        self.body = body

    @property
    def code(self):
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"].get("code")
        return None

    def __repr__(self):
        return f"Answer({self.status}, {self.code})"


def call(port, method, path, body=None, token=None, source=None, timeout=HANG_GUARD_S):
    """One request on a connection of its own, from the loopback address `source` when given.
    Raises OSError (a refused or cut connection, or the hang guard)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        headers = {"Connection": "close"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw
        return Answer(response.status, parsed)
    finally:
        conn.close()


class Node(Server):
    """One authkit-server of a cluster, with the calls the tests make."""

    # Several nodes start at once and migrate one database: slower than one server alone,
    # most under the sanitizers on a loaded machine.
    start_timeout = scaled(30, 90)

    def call(self, method, path, **kw):
        return call(self.port, method, path, **kw)

    def register(self, email, source=None):
        return self.call("POST", "/v1/auth/register",
                         body={"name": "Cluster", "email": email, "password": PASSWORD},
                         source=source)

    def login(self, email, password=PASSWORD, source=None):
        return self.call("POST", "/v1/auth/sessions", body={"email": email, "password": password},
                         source=source)

    def refresh(self, refresh_token, source=None):
        return self.call("POST", "/v1/auth/tokens/refresh", body={"refreshToken": refresh_token},
                         source=source)

    def me(self, access_token):
        return self.call("GET", "/v1/auth/me", token=access_token)

    def revoke_all(self, access_token):
        return self.call("DELETE", "/v1/auth/sessions", token=access_token)

    def ready(self):
        return self.call("GET", "/ready")

    def metric(self, name):
        """The sum of every sample of the counter `name` (0 when it has none)."""
        text = self.call_text("/metrics")
        total = 0.0
        for line in text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def call_text(self, path):
        """The body of GET `path` as text (/metrics is not JSON)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HANG_GUARD_S)
        try:
            conn.request("GET", path)
            return conn.getresponse().read().decode()
        finally:
            conn.close()

    def log_events(self, event):
        """The node's log lines of `event` (rate_limiter_degraded, rate_limiter_recovered...)."""
        return [line for line in self.log_lines() if line.get("msg") == event]


def node_env(database_url, redis_url, **overrides):
    """A node's environment: cheap hashing, metrics on, small pools (a cluster test runs up to
    nine nodes on one PostgreSQL beside the other suites)."""
    settings = {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "METRICS_ENABLED": "true",
                "DATABASE_POOL_SIZE": "4", "LOG_LEVEL": "info"}
    settings.update(overrides)
    return base_env(**settings)


class Cluster:
    """`count` nodes on one database and one Redis, started at once (their migrations race,
    as they would when a deployment starts several processes together)."""

    def __init__(self, count, env):
        self.nodes = [None] * count
        errors = []

        def start(i):
            try:
                self.nodes[i] = Node(env=dict(env))
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=start, args=(i,)) for i in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            self.close()
            raise errors[0]

    def __getitem__(self, i):
        return self.nodes[i % len(self.nodes)]

    def __len__(self):
        return len(self.nodes)

    def close(self):
        for node in self.nodes:
            if node is not None:
                node.close()


def race(callables):
    """Runs every callable on a thread of its own, released together; their results in order
    (an exception raised by one is its result)."""
    barrier = threading.Barrier(len(callables))
    results = [None] * len(callables)

    def run(i):
        barrier.wait()
        try:
            results[i] = callables[i]()
        except Exception as e:  # noqa: BLE001 - the caller judges it
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(callables))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def count(counter, key):
    counter[key] = counter.get(key, 0) + 1


def report(title, figures):
    """Prints a figure line the docs quote (visible with pytest -s and in ctest's output on
    failure)."""
    print(f"\n[figures] {title}: " + ", ".join(f"{k}={v}" for k, v in figures.items()),
          flush=True)
