"""The key rotation procedure of docs/operations/key-rotation.md, run on two server processes
sharing one database while clients keep calling /me and refresh: the access key (EdDSA, published
in the JWKS) and the refresh secret (HMAC, from the original's kid-less secret) rotate by
restarting one node at a time. No client sees an unexpected 401, and an independent verifier
given only the JWKS (PyJWKClient) accepts every access token issued during the run."""
import os
import random
import threading
import time

import jwt
import requests

from conftest import BACKEND, REFRESH_SECRET, Server, base_env, free_port, postgres_schema_url
from keys import write_key

PASSWORD = "strong-pass-123"
NEW_REFRESH_SECRET = "e2e-rotated-refresh-secret-0123456789-abcdef"
CLIENTS = 4


def shared_database(tmp):
    """One database for both nodes: a schema of its own on PostgreSQL, a SQLite file (WAL; the
    store's transactions are BEGIN IMMEDIATE with a busy timeout) otherwise."""
    if BACKEND == "postgres":
        return postgres_schema_url()
    return "sqlite://" + os.path.join(tmp, "shared.db")


class Cluster:
    """Two nodes on fixed ports; a node is replaced by stopping it and starting it again with
    another environment on the same port."""

    def __init__(self, env):
        self.ports = [free_port(), free_port()]
        self.nodes = [None, None]
        for i in range(2):
            self.restart(i, env)

    def restart(self, i, env):
        if self.nodes[i] is not None:
            self.nodes[i].close()
        self.nodes[i] = Server(env={**env, "PORT": str(self.ports[i])})

    def url(self, i):
        return f"http://127.0.0.1:{self.ports[i]}"

    def close(self):
        for node in self.nodes:
            if node is not None:
                node.close()


class Client(threading.Thread):
    """Logs in, then calls /me and refresh on random nodes until stopped. A refused connection
    (a node restarting) is retried on the other node and not counted; every other answer but 200
    is a failure. Every access token received is handed to `verify`."""

    def __init__(self, cluster, address, verify):
        super().__init__(daemon=True)
        self.cluster, self.address, self.verify = cluster, address, verify
        self.failures, self.calls = [], 0
        self.refreshes_since_mark = 0
        self.stop_event = threading.Event()
        self.tokens = None

    def call(self, method, path, headers=None, **kw):
        # A new connection per request: a node's restart never leaves a stale one.
        headers = {"Connection": "close", **(headers or {})}
        for _ in range(200):
            node = random.randrange(2)
            try:
                return requests.request(method, self.cluster.url(node) + path, timeout=10,
                                        headers=headers, **kw)
            except requests.ConnectionError:
                time.sleep(0.02)
        raise AssertionError("no node answered")

    def run(self):
        try:
            r = self.call("POST", "/v1/auth/sessions",
                          json={"email": self.address, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens = r.json()
            self.verify(self.tokens["accessToken"])
            while not self.stop_event.is_set():
                me = self.call("GET", "/v1/auth/me",
                               headers={"Authorization": "Bearer " + self.tokens["accessToken"]})
                self.calls += 1
                if me.status_code != 200:
                    self.failures.append(("me", me.status_code, me.text))
                r = self.call("POST", "/v1/auth/tokens/refresh",
                              json={"refreshToken": self.tokens["refreshToken"]})
                self.calls += 1
                if r.status_code != 200:
                    self.failures.append(("refresh", r.status_code, r.text))
                    return
                self.tokens = r.json()
                self.refreshes_since_mark += 1
                self.verify(self.tokens["accessToken"])
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.failures.append(("exception", 0, repr(error)))


class JwksVerifier:
    """Verifies each access token as it is issued with nothing but the JWKS of a random node
    (a PyJWKClient of its own per token: no cache hides a key a node does not publish)."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.lock = threading.Lock()
        self.verified, self.rejected, self.kids = 0, [], set()

    def __call__(self, token):
        kid = jwt.get_unverified_header(token).get("kid")
        for _ in range(200):
            try:
                client = jwt.PyJWKClient(self.cluster.url(random.randrange(2)) +
                                         "/.well-known/jwks.json")
                key = client.get_signing_key_from_jwt(token)
                break
            except OSError:  # the connection reset by a node shutting down: fetch again
                time.sleep(0.02)
            except jwt.PyJWKClientError as error:
                if "Fail to fetch" not in str(error):  # not a refused connection
                    with self.lock:
                        self.rejected.append((kid, repr(error)))
                    return
                time.sleep(0.02)
        else:
            raise AssertionError("no JWKS answered")
        try:
            jwt.decode(token, key.key, algorithms=["EdDSA"], audience="auth-api-clients",
                       issuer="auth-api")
            with self.lock:
                self.verified += 1
                self.kids.add(kid)
        except jwt.PyJWTError as error:
            with self.lock:
                self.rejected.append((kid, repr(error)))


def wait_for_refreshes(clients, count=2, timeout=60):
    """Until every client refreshed `count` times since this call: the tokens they hold were all
    issued after the last restart (standing in for "wait one token lifetime")."""
    for client in clients:
        client.refreshes_since_mark = 0
    deadline = time.time() + timeout
    while any(c.refreshes_since_mark < count and c.is_alive() for c in clients):
        assert time.time() < deadline, "clients made no progress"
        time.sleep(0.05)


def test_rotation_procedure_on_two_nodes(tmp_path):
    tmp = str(tmp_path)
    k1 = write_key(tmp, "k1", "EdDSA")
    k2 = write_key(tmp, "k2", "EdDSA")
    common = base_env(DATABASE_URL=shared_database(tmp), ACCESS_TOKEN_ALGORITHM="EdDSA",
                      ACCESS_TOKEN_SECRET=None, RATE_LIMIT_MAX_REQUESTS="1000000",
                      REFRESH_REUSE_GRACE_MS="60000", LOG_LEVEL="warn")
    # Before: k1 signs access tokens, the original's kid-less secret signs refresh tokens.
    stage0 = {**common, "ACCESS_TOKEN_PRIVATE_KEY_FILE": k1, "ACCESS_TOKEN_KEY_ID": "k1"}
    # Step 1: the next keys verify-only everywhere.
    stage1 = {**stage0, "ACCESS_TOKEN_VERIFY_KEY_FILES": "k2:" + k2,
              "REFRESH_TOKEN_VERIFY_SECRETS": "r2:" + NEW_REFRESH_SECRET}
    # Step 2: the next keys active, the old ones verify-only.
    stage2 = {**common, "ACCESS_TOKEN_PRIVATE_KEY_FILE": k2, "ACCESS_TOKEN_KEY_ID": "k2",
              "ACCESS_TOKEN_VERIFY_KEY_FILES": "k1:" + k1,
              "REFRESH_TOKEN_SECRET": NEW_REFRESH_SECRET, "REFRESH_TOKEN_KEY_ID": "r2",
              "REFRESH_TOKEN_VERIFY_SECRETS": ":" + REFRESH_SECRET}
    # Step 3, after the token lifetimes: the old keys retired.
    stage3 = {**common, "ACCESS_TOKEN_PRIVATE_KEY_FILE": k2, "ACCESS_TOKEN_KEY_ID": "k2",
              "REFRESH_TOKEN_SECRET": NEW_REFRESH_SECRET, "REFRESH_TOKEN_KEY_ID": "r2"}

    cluster = Cluster(stage0)
    clients = []
    try:
        verifier = JwksVerifier(cluster)
        for i in range(CLIENTS):
            address = f"rotation-{i}@example.test"
            r = requests.post(cluster.url(0) + "/v1/auth/register", timeout=10,
                              json={"name": "Rotation", "email": address, "password": PASSWORD})
            assert r.status_code == 201, r.text
            clients.append(Client(cluster, address, verifier))
        for client in clients:
            client.start()
        wait_for_refreshes(clients)

        # A refresh token signed by the old key, used once just before the rotation: within the
        # reuse grace it is answered with the identical child after node 0 rotated.
        r = requests.post(cluster.url(0) + "/v1/auth/sessions", timeout=10,
                          json={"email": "rotation-0@example.test", "password": PASSWORD})
        parent = r.json()["refreshToken"]
        child = requests.post(cluster.url(0) + "/v1/auth/tokens/refresh", timeout=10,
                              json={"refreshToken": parent}).json()["refreshToken"]

        for stage in (stage1, stage2):
            for node in range(2):
                cluster.restart(node, stage)
                wait_for_refreshes(clients, count=1)
            if stage is stage1:
                again = requests.post(cluster.url(0) + "/v1/auth/tokens/refresh", timeout=10,
                                      json={"refreshToken": parent})
                assert again.status_code == 200, again.text
                assert again.json()["refreshToken"] == child
            wait_for_refreshes(clients)
        again = requests.post(cluster.url(1) + "/v1/auth/tokens/refresh", timeout=10,
                              json={"refreshToken": parent})
        assert again.status_code == 200, again.text
        assert again.json()["refreshToken"] == child  # re-signed by the now verify-only secret
        assert jwt.get_unverified_header(again.json()["accessToken"])["kid"] == "k2"

        for node in range(2):
            cluster.restart(node, stage3)
            wait_for_refreshes(clients, count=1)
        wait_for_refreshes(clients)
        jwks = requests.get(cluster.url(0) + "/.well-known/jwks.json", timeout=10).json()
        assert [k["kid"] for k in jwks["keys"]] == ["k2"]
    finally:
        for client in clients:
            client.stop_event.set()
        for client in clients:
            client.join(timeout=30)
        cluster.close()

    failures = [f for c in clients for f in c.failures]
    assert failures == [], failures
    assert not any(c.is_alive() for c in clients)
    assert sum(c.calls for c in clients) > 0
    assert verifier.rejected == [], verifier.rejected
    assert verifier.kids == {"k1", "k2"}
    assert verifier.verified >= CLIENTS * 8
