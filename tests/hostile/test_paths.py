"""Hostile request targets: percent-encodings (valid, invalid like %ZZ, encoded NUL and slashes,
overlong UTF-8), traversal, raw bytes, very long paths and queries, and seeded random paths on
every method. Each gets one well-formed answer (a 404 envelope at worst), never a 500.

DELETE is never sent with the known user's token: a path that happens to name one of its
sessions, or /v1/auth/sessions itself, would revoke legitimately and the check after the test
would report a loss that is not one.
"""
from conftest import Req, assert_no_problems, raw, rng, scaled
from oracle import all_of, expect_answer, expect_not

PATHS = [
    b"/%68ealth", b"/HEALTH", b"/health%ZZ", b"/%ZZ", b"/%", b"/%2", b"/%00", b"/health%00",
    b"/v1/auth/me%00", b"/v1%2fauth%2fme", b"/v1/auth/sessions/%ZZ",
    b"/v1/auth/sessions/..%2F..%2Fhealth", b"/../../etc/passwd", b"/./health", b"//health",
    b"/health/..", b"/health/../health", b"/health;x=1", b"/health?%ZZ", b"/health?a=%00&b=\xff",
    b"/health#frag", b"/\xff\xfe", b"/caf\xc3\xa9", b"/health\x7f", b"/%C0%AF", b"/%u0041",
    b"/%%34%31", b"/%252e%252e/", b"/docs/%2e%2e/%2e%2e/etc/passwd", b"/docs/../../../../etc/passwd",
    b"/docs/swagger-ui.css%00.js", b"/docs.json%00", b"/docs/%ZZ", b"/docs/" + b"a" * 3000,
    b"/v1/auth/sessions/00000000-0000-0000-0000-000000000000", b"/v1/auth/sessions/%30" * 40,
    b"/v1/auth/me/", b"/v1/auth/me//", b"/v1/AUTH/Me", b"/v1/auth/me/.", b"/v1/auth/me/%2e",
    b"*", b"health", b"", b"?", b"/?" + b"&" * 5000, b"/health?" + b"q=1&" * 2000,
    b"/" + b"a" * 8190, b"/" + b"a" * scaled(70000, 20000), b"/health?" + b"q" * scaled(100000, 20000),
    b"/a" * 5000, b"/%41" * 5000, b"/\t/health", b"/ /health",
]
METHODS = [b"GET", b"HEAD", b"POST", b"DELETE", b"PUT", b"PATCH", b"OPTIONS"]


def test_fixed_paths(target):
    problems = []
    bearer = ("Authorization", "Bearer " + target.known.access)
    for i, path in enumerate(PATHS):
        for method in ([b"GET", b"POST"] if i % 3 else [b"GET", b"HEAD", b"DELETE"]):
            headers = [("Content-Type", "application/json")] if method == b"POST" else []
            if method in (b"GET", b"HEAD"):
                headers.append(bearer)
            body = b"{}" if method == b"POST" else b""
            data = raw(method, path, headers, body, cid=f"path-{i}")
            problems += target.judge("paths", f"{method.decode()} {path[:50]!r}", data,
                                     [Req(method, path, expect=expect_not(500))])
    assert_no_problems(problems)


SEGMENTS = [b"v1", b"auth", b"sessions", b"current", b"revoke", b"me", b"tokens", b"refresh",
            b"register", b"health", b"ready", b"docs.json", b"metrics", b"docs", b"..", b".", b"",
            b"00000000-0000-4000-8000-000000000000", b"swagger-ui.css", b"index.html"]


def random_path(r):
    parts = [r.choice(SEGMENTS) for _ in range(r.randrange(1, 6))]
    out = b""
    for part in parts:
        seg = bytearray()
        for c in part:
            roll = r.random()
            if roll < 0.08:
                seg += b"%%%02X" % c
            elif roll < 0.1:
                seg += r.choice([b"%ZZ", b"%", b"%0", b"%00", b"%2F", b"%2f", b"%5C", b"%C0%AE",
                                 b"%E2%80%AE", b"%FF"])
            elif roll < 0.12:
                seg += bytes([r.randrange(0x21, 0x100)])
            else:
                seg.append(c)
            if roll > 0.995:
                seg += bytes([r.choice(b"abc")]) * r.randrange(100, 5000)
        out += b"/" + bytes(seg)
    if r.random() < 0.3:
        out += b"?" + bytes(r.choice(b"abc=&%Z0\xff;") for _ in range(r.randrange(0, 40)))
    if r.random() < 0.05:
        out += b"/"
    # Bytes a request line cannot hold unescaped (space, CR, LF) make it a different request
    # line, still a hostile one; NUL and other controls are kept.
    return out.replace(b" ", b"%20").replace(b"\r", b"").replace(b"\n", b"")


def test_random_paths(target):
    r = rng("paths")
    problems = []
    bearer = ("Authorization", "Bearer " + target.known.access)
    for i in range(scaled(240, 50)):
        method = r.choice(METHODS)
        path = random_path(r)
        headers = [bearer] if method in (b"GET", b"HEAD") and r.random() < 0.5 else []
        body = b""
        if method in (b"POST", b"PUT", b"PATCH"):
            headers.append(("Content-Type", "application/json"))
            body = b'{"email":"nobody@hostile.test","password":"nobody-pass-1"}'
        data = raw(method, path, headers, body, cid=f"rpath-{i}")
        problems += target.judge("paths", f"{method.decode()} {path[:60]!r}", data,
                                 [Req(method, path, expect=expect_not(500))])
    assert_no_problems(problems)


def test_session_id_encodings(target):
    """DELETE of a session named through encodings, with a throw-away user's token: whatever the
    server makes of the path, only that user's sessions can be touched (the known user's are
    checked after the test)."""
    email = target.register()
    auth = target.login(email)
    victim = target.login(email)["session"]["sessionId"]
    known = target.known.session_id
    bearer = ("Authorization", "Bearer " + auth["accessToken"])
    encoded = "".join("%%%02x" % ord(c) for c in victim)
    forms = [victim.upper(), encoded, victim + "%00", victim + "/", victim + "/..", " " + victim,
             victim.replace("-", "%2d"), "%7B" + victim + "%7D", known, known.upper(),
             "".join("%%%02X" % ord(c) for c in known), known + "%00", "../" + known,
             victim + "/../" + known]
    problems = []
    for i, form in enumerate(forms):
        path = "/v1/auth/sessions/" + form.replace(" ", "%20")
        data = raw("DELETE", path, [bearer], cid=f"sid-{i}")
        problems += target.judge("paths", f"DELETE {path[:70]}", data,
                                 [Req("DELETE", path, expect=all_of(expect_answer, expect_not(500)))])
    assert_no_problems(problems)


METRICS_SPELLINGS = [b"/metrics", b"/METRICS", b"/Metrics/", b"/metrics/", b"/%6detrics",
                     b"/%6Detrics%2F", b"//metrics", b"/./metrics", b"/x/../metrics", b"/metrics?x=1",
                     b"/metrics/?", b"/metrics#x"]


def test_metrics_hidden_behind_the_front(target):
    """Through nginx, /metrics is never served, however it is spelled (the server behind it has
    metrics on and open); directly, the answers are well-formed either way."""
    problems = []
    for i, path in enumerate(METRICS_SPELLINGS):
        for method in (b"GET", b"HEAD"):
            expect = expect_answer
            if target.front == "nginx":
                expect = all_of(expect_answer, expect_not(200))
            problems += target.judge("paths", f"{method.decode()} {path!r}",
                                     raw(method, path, cid=f"metrics-{i}"),
                                     [Req(method, path, expect=expect)])
    assert_no_problems(problems)
