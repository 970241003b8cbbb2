"""Fixtures of the hostile-input suite: the server (directly, and behind a real nginx), a known
user whose tokens, sessions and password are checked after every test, and the judge that sends
raw requests and applies the oracle (oracle.py).

The server processes come from the e2e suite's fixtures (tests/e2e/conftest.py, loaded under
another module name so that the two conftest files never shadow each other).

Environment:
  AUTHKIT_HOSTILE_SCALE   full (default) or small: the sanitizer builds run a seeded subset
                          with smaller sizes and longer hang guards.
  AUTHKIT_HOSTILE_SEED    seed of every random choice (default 14): a failure replays exactly.
"""
import importlib.util
import json
import os
import random
import uuid

import pytest
import requests

import http_wire
import nginx_front
from oracle import TALLY, answer_problems

_E2E = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "conftest.py")
_spec = importlib.util.spec_from_file_location("authkit_e2e_fixtures", _E2E)
e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(e2e)

SCALE = os.environ.get("AUTHKIT_HOSTILE_SCALE", "full")
SEED = int(os.environ.get("AUTHKIT_HOSTILE_SEED", "14"))
FULL = SCALE != "small"
# Hang guard of one exchange: how long an answer may take before it counts as none. Generous:
# it is never a speed requirement, only a bound on a test that would otherwise hang.
GUARD = 10.0 if FULL else 30.0
PASSWORD = "hostile-known-password-1"
ACCESS_SECRET = e2e.ACCESS_SECRET
REFRESH_SECRET = e2e.REFRESH_SECRET
FRONTS = ["direct", "nginx"]


def scaled(full, small):
    return full if FULL else small


def rng(name):
    """A random generator of its own per test, seeded from the suite seed and the test name."""
    return random.Random(f"{SEED}:{name}")


def pytest_collection_modifyitems(config, items):
    if not e2e.SERVER_BIN or not os.access(e2e.SERVER_BIN, os.X_OK):
        raise pytest.UsageError("AUTHKIT_SERVER_BIN must name the authkit-server binary")


def pytest_terminal_summary(terminalreporter):
    tr = terminalreporter
    tr.section(f"hostile inputs (backend {e2e.BACKEND}, scale {SCALE}, seed {SEED})")
    for line in TALLY.lines():
        tr.write_line(line)
    out = os.environ.get("AUTHKIT_HOSTILE_FIGURES")
    if out:
        with open(out, "w") as f:
            json.dump({"backend": e2e.BACKEND, "scale": SCALE, "seed": SEED,
                       "counts": {f"{k[0]}/{k[1]}": [TALLY.sent[k], TALLY.mishandled[k]]
                                  for k in TALLY.sent},
                       "figures": TALLY.figures}, f, indent=1)


# ---- servers and fronts ----------------------------------------------------------------------

def server_env(**overrides):
    """The server on its defaults, except limits that would turn every hostile request into a
    429 before it reaches what it attacks."""
    return dict(RATE_LIMIT_MAX_REQUESTS="1000000", LOGIN_MAX_FAILURES_PER_ACCOUNT="1000000",
                **overrides)


class Target:
    """One way in: the server's own port ('direct') or nginx in front of it ('nginx')."""

    def __init__(self, front):
        self.front = front
        if front == "direct":
            self.server = e2e.Server(**server_env())
            self.nginx = None
            self.port = self.server.port
        else:
            # Metrics on: the front must hide them however the path is spelled.
            self.server = e2e.Server(**server_env(TRUST_PROXY="1", METRICS_ENABLED="true"))
            self.nginx = nginx_front.NginxFront(self.server.port)
            self.port = self.nginx.port
        self.url = f"http://127.0.0.1:{self.port}"
        self.known = KnownUser(self)

    def close(self):
        if self.nginx:
            self.nginx.close()
        self.server.close()

    def alive(self):
        return self.server.proc.poll() is None

    # -- well-behaved client, for set-up and checks ---------------------------------------
    def call(self, method, path, **kw):
        return requests.request(method, self.url + path, timeout=GUARD, **kw)

    def register(self, email=None, password=PASSWORD):
        email = email or f"h-{uuid.uuid4().hex[:12]}@hostile.test"
        r = self.call("POST", "/v1/auth/register",
                      json={"name": "Hostile Test", "email": email, "password": password})
        assert r.status_code == 201, r.text
        return email

    def login(self, email, password=PASSWORD):
        r = self.call("POST", "/v1/auth/sessions", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        return r.json()

    def absent(self, email):
        """True when no user `email` exists (registering it now succeeds; the probe then owns it)."""
        r = self.call("POST", "/v1/auth/register",
                      json={"name": "Probe", "email": email, "password": "probe-password-9"})
        assert r.status_code in (201, 409), r.text
        return r.status_code == 201

    # -- hostile client -------------------------------------------------------------------
    def judge(self, category, name, data, reqs, guard=None, half_close=False, source=None):
        """Sends `data` on one connection and judges the answers against `reqs`, the requests
        it holds (a list of Req, in order). Returns the problems found (empty: all well)."""
        guard = guard or GUARD
        try:
            ex = http_wire.exchange(self.port, data, expected=len(reqs),
                                    head_flags=[r.method == b"HEAD" for r in reqs],
                                    guard=guard, half_close=half_close, source=source)
        except OSError as e:
            ex = http_wire.Exchange()
            ex.ending = f"connect failed: {e}"
        self.last = ex
        problems, mishandled, closes = judge_exchange(ex, reqs, self.front)
        TALLY.record(self.front, category, len(reqs), mishandled, closes)
        return [f"[{self.front}] {name}: {p}" for p in problems]


class Req:
    """What the judge needs to know of one request on the wire."""

    def __init__(self, method=b"GET", path=b"/", cid=None, expect=None, pipelined=False):
        self.method = method if isinstance(method, bytes) else method.encode("latin-1")
        self.path = path if isinstance(path, bytes) else path.encode("latin-1")
        self.cid = cid
        self.expect = expect
        self.pipelined = pipelined


def judge_exchange(ex, reqs, front):
    """(problems, requests mishandled, requests closed without an answer)."""
    problems = []
    bad = set()

    def problem(index, text):
        problems.append(text)
        bad.add(min(index, len(reqs) - 1))

    if ex.malformed:
        problem(len(ex.answers), f"malformed: {ex.malformed} (after {len(ex.answers)} answers; "
                                 f"bytes {ex.trailing[:120]!r})")
    if len(ex.answers) > len(reqs):
        problem(len(reqs) - 1, f"{len(ex.answers)} answers to {len(reqs)} requests: "
                               f"{[a.status for a in ex.answers]}")
    closed_at = None
    for i, answer in enumerate(ex.answers[:len(reqs)]):
        req = reqs[i]
        if closed_at is not None:
            problem(i, f"answer {i} after an answer with Connection: close")
        for p in answer_problems(answer, req.method, req.path):
            problem(i, f"answer {i} ({req.method.decode(errors='replace')} {req.path[:60]!r}): {p}")
        if req.pipelined and req.cid is not None:
            got = answer.header("x-correlation-id")
            # The request under test (the first) may be refused before its head was read, so
            # without its id; the well-formed ones after it must each carry their own.
            unread_refusal = i == 0 and answer.status >= 400
            if got != req.cid and not unread_refusal:
                problem(i, f"answer {i} belongs to {got!r}, not to request {req.cid!r} "
                           f"(desynchronised; status {answer.status})")
        if req.expect:
            p = req.expect(answer, front)
            if p:
                problem(i, f"answer {i}: {p}; body {answer.body[:160]!r}")
        if answer.closes():
            closed_at = i
    closes = 0
    if len(ex.answers) < len(reqs):
        first = len(ex.answers)
        if ex.ending == "timeout":
            problem(first, f"no answer to request {first} within the guard ({ex.elapsed:.1f} s): "
                           f"the server hangs, or waits for bytes that were never announced")
        elif ex.ending is None or ex.ending.startswith("connect failed"):
            problem(first, f"no exchange: {ex.ending}")
        else:
            closes = len(reqs) - first
            for i, req in enumerate(reqs[first:], first):
                p = req.expect(None, front) if req.expect else None
                if p:
                    problem(i, f"request {i}: {p}")
    return problems, len(bad), closes


def raw(method, path, headers=(), body=b"", cid=None, host=True, length="auto", close=True,
        version=b"HTTP/1.1"):
    """One request's bytes: Host, x-correlation-id, Content-Length (for a body, or a method that
    carries one) and Connection: close are added unless told otherwise; `headers` come after
    them, verbatim."""
    head = []
    if host:
        head.append(("Host", "hostile.test"))
    if cid:
        head.append(("x-correlation-id", cid))
    method_b = method if isinstance(method, bytes) else method.encode("latin-1")
    if length == "auto" and (body or method_b in (b"POST", b"PUT", b"PATCH")):
        head.append(("Content-Length", str(len(body))))
    if close:
        head.append(("Connection", "close"))
    head += list(headers)
    return http_wire.request(method, path, head, body, version)


# ---- the known user: nothing lost ------------------------------------------------------------

class KnownUser:
    """A user registered before any hostile request. After each test its access token, refresh
    token, session and password must all still work (`verify`)."""

    def __init__(self, target):
        self.target = target
        self.email = target.register()
        auth = target.login(self.email)
        self.user_id = auth["user"]["id"]
        self.session_id = auth["session"]["sessionId"]
        self.access = auth["accessToken"]
        self.refresh = auth["refreshToken"]

    def verify(self):
        t = self.target
        problems = []
        bearer = {"Authorization": "Bearer " + self.access}
        me = t.call("GET", "/v1/auth/me", headers=bearer)
        if me.status_code != 200 or me.json()["user"]["email"] != self.email.lower() or \
                me.json()["session"]["sessionId"] != self.session_id:
            problems.append(f"access token: GET /v1/auth/me gave {me.status_code} {me.text[:200]}")
        listed = t.call("GET", "/v1/auth/sessions", headers=bearer)
        if listed.status_code != 200 or not any(
                s["sessionId"] == self.session_id and s["status"] == "ACTIVE"
                for s in listed.json().get("sessions", [])):
            problems.append(f"session: GET /v1/auth/sessions gave {listed.status_code} "
                            f"{listed.text[:200]}")
        refreshed = t.call("POST", "/v1/auth/tokens/refresh", json={"refreshToken": self.refresh})
        if refreshed.status_code == 200:
            self.access = refreshed.json()["accessToken"]
            self.refresh = refreshed.json()["refreshToken"]
        else:
            problems.append(f"refresh token: {refreshed.status_code} {refreshed.text[:200]}")
        login = t.call("POST", "/v1/auth/sessions", json={"email": self.email, "password": PASSWORD})
        if login.status_code == 200:
            extra = login.json()
            gone = t.call("DELETE", "/v1/auth/sessions/" + extra["session"]["sessionId"],
                          headers={"Authorization": "Bearer " + extra["accessToken"]})
            if gone.status_code != 204:
                problems.append(f"revoking the check's own session: {gone.status_code}")
        else:
            problems.append(f"password: login gave {login.status_code} {login.text[:200]}")
        return problems


_targets = {}


@pytest.fixture(scope="session")
def targets():
    yield _targets
    for t in _targets.values():
        t.close()


def target_for(targets, front):
    if front not in targets:
        targets[front] = Target(front)
    return targets[front]


def check_after(targets, front):
    """The server still runs and the known user lost nothing."""
    t = targets[front]
    if not t.alive():
        del targets[front]
        t.close()
        pytest.fail(f"[{front}] the server died: {t.server.stderr()[-2000:]}")
    lost = t.known.verify()
    if lost:
        pytest.fail(f"[{front}] the known user lost something: " + "; ".join(lost))


@pytest.fixture(params=FRONTS)
def target(request, targets):
    """The server reached directly or through nginx; after the test, the known user must be
    intact and the server still running."""
    yield target_for(targets, request.param)
    check_after(targets, request.param)


@pytest.fixture
def both(targets):
    """Both fronts at once, for a test whose cases wait on a fixed deadline: they wait
    together."""
    yield {front: target_for(targets, front) for front in FRONTS}
    for front in FRONTS:
        check_after(targets, front)


def assert_no_problems(problems):
    __tracebackhide__ = True
    if problems:
        shown = "\n".join(problems[:25])
        more = f"\n... and {len(problems) - 25} more" if len(problems) > 25 else ""
        pytest.fail(f"{len(problems)} mishandled:\n{shown}{more}", pytrace=False)


def unique_email(tag):
    return f"{tag}-{uuid.uuid4().hex[:12]}@hostile.test"


def json_body(obj):
    return json.dumps(obj, separators=(",", ":")).encode()
