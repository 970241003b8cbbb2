"""Memory attacks, measured from /proc: a POST without Content-Length streaming 300 MiB, and
100,000 header lines of ~1 KB. Each runs against a fresh server (directly and behind nginx), so
that its VmRSS/VmHWM before the attack are the server's own baseline.

The server's peak resident memory (VmHWM) may not grow by more than GROWTH_BOUND: memory is
bounded per connection (a head limit, a read buffer and the 1 MiB body), whatever a client
streams. The figures are printed in the summary (docs/security/testing.md quotes them). Under
the sanitizers (scale small) the streams are shorter and the bound is not checked: ASan's
allocator keeps freed memory in quarantine and its shadow memory counts in VmRSS.
"""
import socket
import time

import pytest

import http_wire
from conftest import (FRONTS, FULL, GUARD, Req, Target, assert_no_problems, judge_exchange, raw,
                      scaled, unique_email)
from oracle import TALLY, expect_not

MIB = 1024 * 1024
STREAM_BYTES = scaled(300 * MIB, 32 * MIB)
HEADER_LINES = scaled(100_000, 10_000)
GROWTH_BOUND = 32 * MIB


def memory(pid):
    """(VmRSS, VmHWM) of a process, in bytes."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) * 1024
    return fields["VmRSS"], fields["VmHWM"]


@pytest.fixture(params=FRONTS)
def fresh(request):
    t = Target(request.param)
    yield t
    lost = t.known.verify() if t.alive() else ["the server died"]
    t.close()
    if lost:
        pytest.fail(f"[{t.front}] after the attack: " + "; ".join(lost))


def stream(sock, first, block, total):
    """Sends `first`, then `block` until `total` bytes or until the peer stops taking them
    (closed, reset, or not reading for the guard). Returns (bytes sent, how the stream ended)."""
    sent = http_wire.send_all(sock, first)
    ending = "all sent"
    try:
        while sent < total:
            sock.sendall(block)
            sent += len(block)
    except (BrokenPipeError, ConnectionResetError):
        ending = "peer closed"
    except socket.timeout:
        ending = "peer stopped reading"
    return sent, ending


def attack(target, name, first, block, total, end, reqs):
    pid = target.server.proc.pid
    before = memory(pid)
    start = time.monotonic()
    with http_wire.connect(target.port, timeout=GUARD) as s:
        sent, ending = stream(s, first, block, total)
        if ending == "all sent":
            http_wire.send_all(s, end)
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        ex = http_wire.read_answers(s, len(reqs), guard=GUARD)
    elapsed = time.monotonic() - start
    problems, mishandled, closes = judge_exchange(ex, reqs, target.front)
    after = memory(pid)
    if FULL and after[1] - before[1] > GROWTH_BOUND:
        problems.append(f"peak memory grew by {(after[1] - before[1]) / MIB:.1f} MiB "
                        f"(bound {GROWTH_BOUND // MIB} MiB)")
        mishandled = len(reqs)
    TALLY.record(target.front, "memory", len(reqs), mishandled, closes)
    answer = f"{ex.answers[0].status}" if ex.answers else f"no answer ({ex.ending})"
    TALLY.figure(f"memory: {target.front}: {name}",
                 f"sent {sent / MIB:.1f} MiB ({ending}) in {elapsed:.1f} s, answer {answer}; "
                 f"server VmRSS {before[0] / MIB:.1f} -> {after[0] / MIB:.1f} MiB, "
                 f"VmHWM {before[1] / MIB:.1f} -> {after[1] / MIB:.1f} MiB")
    return [f"[{target.front}] {name}: {p}" for p in problems]


def test_post_without_content_length_streaming(fresh):
    email = unique_email("stream")
    first = raw("POST", "/v1/auth/register", [("Content-Type", "application/json")],
                cid="mem-stream", length=None, close=False)
    first += b'{"name":"Streamed User","email":"%s","password":"streamed-pass-1","pad":"' % email.encode()
    block = b"a" * MIB
    problems = attack(fresh, f"POST without Content-Length, {STREAM_BYTES // MIB} MiB streamed",
                      first, block, STREAM_BYTES, b'"}',
                      [Req("POST", "/v1/auth/register", expect=expect_not(200, 201, 500))])
    if not fresh.absent(email):
        problems.append(f"[{fresh.front}] the streamed body registered {email}")
    assert_no_problems(problems)


def test_header_lines_flood(fresh):
    line = b"X-Flood: " + b"f" * 1013 + b"\r\n"  # 1 KiB a line
    lines_per_block = 1024
    first = b"GET /health HTTP/1.1\r\nHost: hostile.test\r\nx-correlation-id: mem-flood\r\n"
    total = len(first) + HEADER_LINES * len(line)
    problems = attack(fresh, f"{HEADER_LINES:,} header lines of 1 KiB", first,
                      line * lines_per_block, total, b"\r\n",
                      [Req("GET", "/health", expect=expect_not(200))])
    assert_no_problems(problems)
