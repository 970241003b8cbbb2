"""Lock-outs over HTTP: cheap requests from thousands of other addresses do not erase one."""
import json
import random
import uuid

from conftest import raw_request

PASSWORD = "strong-pass-123"
# More distinct client addresses than the memory limiter holds (10,000): every shard of its
# request store overflows, which is what pushed a locked account out before it had a store of
# its own (docs/rate-limiting.md).
FLOOD_ADDRESSES = 12_000


def post_from(source, port, path, body):
    """POST `body` (a dict) from the loopback address `source` on a connection of its own; the
    status code and the parsed JSON answer."""
    payload = json.dumps(body).encode()
    request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n").encode() + payload
    head, _, rest = raw_request(port, request, source).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, (json.loads(rest) if rest else None)


def address(block, i):
    """The i-th address (i < 65,536) of the loopback block 127.<block>.0.0/16."""
    return f"127.{block}.{i >> 8}.{i & 0xff}"


def test_a_lockout_survives_a_flood_from_other_addresses(make_server):
    # Server defaults: 100 requests a minute per address, 10 failed logins per account per
    # 15 minutes. Random addresses and e-mail: on PostgreSQL + Redis the counters outlive the
    # server.
    s = make_server()
    victim_block, flood_block = random.sample(range(1, 255), 2)
    attacker = address(victim_block, random.randrange(1, 65_536))
    email = f"victim-{uuid.uuid4().hex[:12]}@example.test"
    status, _ = post_from(attacker, s.port, "/v1/auth/register",
                          {"name": "Victim", "email": email, "password": PASSWORD})
    assert status == 201

    wrong = {"email": email, "password": "wrong-password"}
    for _ in range(10):
        status, body = post_from(attacker, s.port, "/v1/auth/sessions", wrong)
        assert status == 401 and body["error"]["code"] == "INVALID_CREDENTIALS"
    status, body = post_from(attacker, s.port, "/v1/auth/sessions", wrong)
    assert status == 429 and body["error"]["code"] == "TOO_MANY_REQUESTS"

    # The flood: one cheap request (an invalid body, answered 400 without any hashing) from
    # each of FLOOD_ADDRESSES other addresses.
    statuses = {}
    for i in range(FLOOD_ADDRESSES):
        status, _ = post_from(address(flood_block, i), s.port, "/v1/auth/sessions", {})
        statuses[status] = statuses.get(status, 0) + 1
    assert statuses == {400: FLOOD_ADDRESSES}

    # Still locked: ten more guesses are all refused before any hashing, the right password too.
    for _ in range(10):
        status, body = post_from(attacker, s.port, "/v1/auth/sessions", wrong)
        assert status == 429 and body["error"]["code"] == "TOO_MANY_REQUESTS"
    status, _ = post_from(address(flood_block, FLOOD_ADDRESSES), s.port, "/v1/auth/sessions",
                          {"email": email, "password": PASSWORD})
    assert status == 429
