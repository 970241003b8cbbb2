"""Hostile connections: pipelining after refusals whose body was not read, long pipelines,
bodies without framing, half-closes, slow clients, connection floods and aborted requests.
"""
import socket
import struct
import threading
import time

import pytest

import http_wire
from conftest import GUARD, Req, assert_no_problems, judge_exchange, raw, scaled
from oracle import TALLY, all_of, expect_answer, expect_not, expect_refusal, expect_status
from pipeline import run_pipeline, smuggle

REGISTER = "/v1/auth/register"
JSON = ("Content-Type", "application/json")


def refused_with_body(tag, method, path, headers, hidden):
    return raw(method, path, [*headers, ("Content-Length", str(len(hidden)))], hidden,
               cid=tag + "-0", length=None, close=False)


def test_pipelining_after_refusals(target):
    """Requests refused (or answered) without their body being used: the body, a whole request,
    must never run, and the requests after it are answered in order or never started."""
    cases = [
        ("gzip body", "POST", REGISTER, [JSON, ("Content-Encoding", "gzip")]),
        ("deflate body", "POST", REGISTER, [JSON, ("Content-Encoding", "deflate, gzip")]),
        ("latin1 charset", "POST", REGISTER, [("Content-Type", "application/json; charset=latin1")]),
        ("unknown route", "POST", "/nope", [JSON]),
        ("POST to a GET route", "POST", "/health", [JSON]),
        ("GET with a body", "GET", "/health", []),
        ("HEAD with a body", "HEAD", "/health", []),
        ("DELETE with a body", "DELETE", "/v1/auth/sessions", []),
        ("unauthenticated with a body", "GET", "/v1/auth/me", []),
        ("form body", "POST", REGISTER, [("Content-Type", "application/x-www-form-urlencoded")]),
        ("OPTIONS with a body", "OPTIONS", "/health", []),
        ("metrics with a body", "POST", "/metrics", []),
    ]
    problems = []
    for i, (name, method, path, headers) in enumerate(cases):
        tag = f"refused-{i}"
        email, hidden = smuggle(tag)
        head = refused_with_body(tag, method, path, headers, hidden)
        problems += run_pipeline(target, "connections", name, head,
                                 Req(method, path, expect=all_of(expect_answer,
                                                                 expect_not(200, 201, 500)
                                                                 if method == "POST" else
                                                                 expect_not(500))),
                                 tag, smuggle_email=email)
    assert_no_problems(problems)


def test_long_pipelines(target):
    """Many requests on one connection, sent at once: answers in order, up to the server's
    keep-alive maximum, after which the connection closes (the rest never started)."""
    problems = []
    for count in (50, scaled(150, 110)):
        tag = f"long-{count}"
        data = b""
        reqs = []
        for i in range(count):
            cid = f"{tag}-{i}"
            if i % 3 == 0:
                data += raw("GET", "/health", cid=cid, close=(i == count - 1))
                reqs.append(Req("GET", "/health", cid=cid, pipelined=True, expect=expect_status(200)))
            elif i % 3 == 1:
                data += raw("GET", "/v1/auth/me", [("Authorization", "Bearer junk")], cid=cid,
                            close=(i == count - 1))
                reqs.append(Req("GET", "/v1/auth/me", cid=cid, pipelined=True, expect=expect_status(401)))
            else:
                data += raw("POST", "/v1/auth/sessions", [JSON],
                            b'{"email":"nobody@hostile.test","password":"x"}', cid=cid,
                            close=(i == count - 1))
                reqs.append(Req("POST", "/v1/auth/sessions", cid=cid, pipelined=True,
                                expect=expect_status(400, 401)))
        problems += target.judge("connections", f"{count} pipelined", data, reqs)
    assert_no_problems(problems)


def test_bodies_without_framing(target):
    """A POST with neither Content-Length nor chunked: its body is empty (and the connection
    closes after the answer) or it is refused (411); the bytes sent as its body never run as a
    request and never register anyone, half-closed or not."""
    problems = []
    for i, half_close in enumerate([False, True]):
        tag = f"nolength-{i}"
        email, hidden = smuggle(tag)
        head = raw("POST", REGISTER, [JSON], cid=tag + "-0", length=None, close=False) + hidden
        problems += run_pipeline(target, "connections", f"no framing (half-close {half_close})",
                                 head, Req("POST", REGISTER, expect=all_of(
                                     expect_answer, expect_not(200, 201, 500))), tag,
                                 smuggle_email=email, half_close=half_close)
    # The body as JSON of a user, half-closed (how the original issue registered one).
    tag = "nolength-json"
    email = f"nolength-{tag}-{time.monotonic_ns()}@hostile.test"
    body = b'{"name":"No Length","email":"%s","password":"no-length-pass-1"}' % email.encode()
    data = raw("POST", REGISTER, [JSON], cid=tag, length=None) + body + b" " * 200000
    problems += target.judge("connections", "no framing, JSON body, half-close", data,
                             [Req("POST", REGISTER, expect=expect_not(200, 201, 500))],
                             half_close=True)
    if not target.absent(email):
        problems.append(f"[{target.front}] a body without framing registered {email}")
    assert_no_problems(problems)


def test_half_close(target):
    problems = []
    # A whole request, then the client's side closed: answered (or closed), never a hang.
    problems += target.judge("connections", "half-close after a whole request",
                             raw("GET", "/health", cid="half-1", close=False),
                             [Req("GET", "/health", expect=expect_status(200))], half_close=True)
    body = b'{"email":"nobody@hostile.test","password":"nobody-pass-1"}'
    problems += target.judge("connections", "half-close after a whole POST",
                             raw("POST", "/v1/auth/sessions", [JSON], body, cid="half-2", close=False),
                             [Req("POST", "/v1/auth/sessions", expect=expect_status(401))],
                             half_close=True)
    # Fewer body bytes than announced, then half-closed: a refusal or a close, never served.
    data = raw("POST", REGISTER, [JSON, ("Content-Length", "500")], body, cid="half-3",
               length=None, close=False)
    problems += target.judge("connections", "half-close inside the body", data,
                             [Req("POST", REGISTER, expect=expect_refusal)], half_close=True,
                             guard=scaled(20.0, 40.0))
    # Half a head, then half-closed.
    problems += target.judge("connections", "half-close inside the head",
                             b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: b",
                             [Req("GET", "/health", expect=expect_refusal)], half_close=True,
                             guard=scaled(20.0, 40.0))
    assert_no_problems(problems)


def health_latency(target, guard):
    """A normal client's GET /health, from another address than the hostile connections (which
    all come from 127.0.0.1): a per-address limit is meant to stop them, not everyone."""
    start = time.monotonic()
    problems = target.judge("connections", "GET /health beside slow clients",
                            raw("GET", "/health", cid="beside-slow"),
                            [Req("GET", "/health", expect=all_of(expect_answer, expect_status(200)))],
                            guard=guard, source="127.0.0.2")
    return problems, time.monotonic() - start


class Trickle:
    """`count` connections that send a request a few bytes at a time, one step per second,
    and never finish it (until closed)."""

    def __init__(self, port, count, opening, step):
        self.socks = []
        self.stop = threading.Event()
        for _ in range(count):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(opening)
                self.socks.append(s)
            except OSError:
                break
        self.step = step
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            for s in self.socks:
                try:
                    s.send(self.step)
                except OSError:
                    pass
            self.stop.wait(1.0)

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        for s in self.socks:
            s.close()


SLOW_OPENINGS = {
    # Each sends a header line per second and never ends its head.
    "header": (b"GET /health HTTP/1.1\r\nHost: slow\r\n", b"X-Slow: 1\r\n"),
    # Each announces a 100 kB body and sends a byte of it per second.
    "body": (raw("POST", "/v1/auth/sessions", [JSON, ("Content-Length", "100000")], length=None,
                 close=False), b"{"),
}


@pytest.mark.parametrize("kind", list(SLOW_OPENINGS))
def test_slow_clients(target, kind):
    """64 connections from one address each trickle their request, a step a second; a normal
    client's /health is still answered (hang guard only; the latency is printed in the summary,
    not asserted)."""
    count = 64
    opening, step = SLOW_OPENINGS[kind]
    trickle = Trickle(target.port, count, opening, step)
    try:
        time.sleep(1.5)
        problems, latency = health_latency(target, guard=scaled(10.0, 30.0))
        TALLY.figure(f"{target.front}: /health beside {len(trickle.socks)} slow-{kind} clients",
                     f"{latency * 1000:.0f} ms")
    finally:
        trickle.close()
    TALLY.record(target.front, "connections", len(trickle.socks), 0)
    assert_no_problems(problems)


def test_connection_flood_and_aborts(target):
    """Connections opened and left silent, and requests cut off by a reset: the server keeps
    answering."""
    silent = []
    try:
        for _ in range(scaled(200, 64)):
            try:
                silent.append(socket.create_connection(("127.0.0.1", target.port), timeout=5))
            except OSError:
                break
        problems, latency = health_latency(target, guard=scaled(10.0, 30.0))
        TALLY.figure(f"{target.front}: /health beside {len(silent)} silent connections",
                     f"{latency * 1000:.0f} ms")
    finally:
        for s in silent:
            s.close()
    pieces = [b"GET /health HTTP/1.1\r\nHost:", raw("POST", REGISTER, [JSON, ("Content-Length", "50")],
                                                    length=None, close=False) + b'{"na',
              raw("GET", "/health", close=False)]
    for i in range(scaled(60, 20)):
        with socket.create_connection(("127.0.0.1", target.port), timeout=5) as s:
            s.sendall(pieces[i % len(pieces)])
            # A reset instead of a close (SO_LINGER 0): the server's next read or write fails.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    TALLY.record(target.front, "connections", scaled(60, 20) + len(silent), 0, scaled(60, 20))
    after, _ = health_latency(target, guard=GUARD)
    assert_no_problems(problems + after)


def test_interleaved_contract_requests(target):
    """Normal requests between hostile ones on one connection stay correct (the session and
    token logic sees whole, right requests)."""
    email = target.register()
    auth = target.login(email)
    tag = "mixed"
    bearer = ("Authorization", "Bearer " + auth["accessToken"])
    parts = [
        (raw("GET", "/v1/auth/me", [bearer], cid=f"{tag}-0", close=False), "GET", "/v1/auth/me", 200),
        (raw("POST", REGISTER, [JSON], b'{"a":' + b"[" * 3000, cid=f"{tag}-1", close=False),
         "POST", REGISTER, 400),
        (raw("GET", "/v1/auth/sessions", [bearer], cid=f"{tag}-2", close=False), "GET",
         "/v1/auth/sessions", 200),
        (raw("GET", "/v1/auth/me", [("Authorization", "Bearer " + auth["accessToken"] + "x")],
             cid=f"{tag}-3", close=False), "GET", "/v1/auth/me", 401),
        (raw("POST", "/v1/auth/tokens/refresh", [JSON],
             b'{"refreshToken":"%s"}' % auth["refreshToken"].encode(), cid=f"{tag}-4"),
         "POST", "/v1/auth/tokens/refresh", 200),
    ]
    data = b"".join(p[0] for p in parts)
    reqs = [Req(m, p, cid=f"{tag}-{i}", pipelined=True, expect=expect_status(s))
            for i, (_, m, p, s) in enumerate(parts)]
    assert_no_problems(target.judge("connections", "interleaved", data, reqs))




def slow_exchange(target, category, name, opening, step, reqs, interval, guard, results):
    """Sends `opening`, then `step` every `interval` seconds until the answer or the close."""
    with socket.create_connection(("127.0.0.1", target.port), timeout=guard) as s:
        s.sendall(opening)
        stop = threading.Event()

        def trickle():
            while not stop.wait(interval):
                try:
                    s.send(step)
                except OSError:
                    return
        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()
        ex = http_wire.read_answers(s, len(reqs), guard=guard)
        stop.set()
        thread.join(timeout=5)
    problems, mishandled, closes = judge_exchange(ex, reqs, target.front)
    TALLY.record(target.front, category, len(reqs), mishandled, closes)
    TALLY.figure(f"{target.front}: {name}", f"{ex.answers[0].status if ex.answers else ex.ending} "
                                            f"after {ex.elapsed:.1f} s")
    results.extend(f"[{target.front}] {name}: {p}" for p in problems)


def test_deadlines_at_the_defaults(both):
    """A head that never ends (a header line every 2 s) and, through nginx, a body that never
    ends: cut at the documented deadlines (the server's HTTP_HEADERS_TIMEOUT_MS, nginx's
    client_header_timeout and client_body_timeout, 10 s each) with a 408 envelope or a clean
    close; never served, never a hang. The three wait together."""
    cases = [
        (both["direct"], "head never ends", b"GET /health HTTP/1.1\r\nHost: slow\r\n", b"X-Slow: 1\r\n",
         Req("GET", "/health", expect=expect_not(200))),
        (both["nginx"], "head never ends", b"GET /health HTTP/1.1\r\nHost: slow\r\n", b"X-Slow: 1\r\n",
         Req("GET", "/health", expect=expect_not(200))),
        (both["nginx"], "body never ends",
         raw("POST", "/v1/auth/sessions", [JSON, ("Content-Length", "1000")], length=None,
             close=False) + b"{", None, Req("POST", "/v1/auth/sessions", expect=expect_not(200))),
    ]
    results = []
    threads = [threading.Thread(target=slow_exchange, args=(
        t, "connections", name, opening, step or b"", [req], 2.0 if step else 3600, 25.0, results))
        for t, name, opening, step, req in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert_no_problems(results)
