"""Hostile JSON bodies on the four public POST routes: huge containers, deep nesting, duplicate
and many keys, invalid UTF-8, numbers at the edges, and seeded random mutations of valid bodies.

Every body gets one well-formed answer (never a 500); a body that is not JSON (as
docs/compatibility.md defines it: malformed text, invalid UTF-8, lone surrogates, numbers beyond
double range) gets 400 INVALID_PAYLOAD.
"""
from conftest import (FULL, PASSWORD, Req, assert_no_problems, json_body, raw, rng, scaled,
                      unique_email)
from oracle import TALLY, all_of, expect_answer, expect_error, expect_not

ROUTES = ["/v1/auth/register", "/v1/auth/sessions", "/v1/auth/tokens/refresh",
          "/v1/auth/sessions/current/revoke"]
MIB = 1024 * 1024
SIZE = scaled(MIB, 256 * 1024)  # the body size of the big cases (the server's limit is 1 MiB)
JSON = ("Content-Type", "application/json")
NOT_JSON = expect_error(400, "INVALID_PAYLOAD")
NEVER_500 = expect_not(500)


def fill(prefix, unit, suffix, size=SIZE):
    """prefix + unit repeated + suffix, as close to `size` bytes as units allow."""
    count = max(1, (size - len(prefix) - len(suffix)) // len(unit))
    return prefix + unit * count + suffix


def many_distinct_keys(size=SIZE):
    """The quadratic-parse attack: one schema member, then ~116,000 distinct 4-letter keys."""
    parts = [b'{"refreshToken":"x"']
    total = len(parts[0])
    letters = b"abcdefghijklmnopqrstuvwxyz"
    i = 0
    while total < size - 16:
        key = bytes(letters[(i // 26 ** k) % 26] for k in range(4))
        part = b',"' + key + b'":0'
        parts.append(part)
        total += len(part)
        i += 1
    return b"".join(parts) + b"}"


def never_500(prefix, unit, suffix):
    """A case of fill(prefix, unit, suffix) that may get any answer but a 500."""
    return fill(prefix, unit, suffix), NEVER_500


def big_cases():
    half = SIZE // 2
    return {
        "huge array": never_500(b"[", b"0,", b"0]"),
        "huge array in a member": never_500(b'{"name":[', b"0,", b"0]}"),
        "huge object": never_500(b'{"o":{', b'"k":0,', b'"k":0}}'),
        "long string": never_500(b'{"refreshToken":"', b"a", b'"}'),
        "long name": never_500(b'{"name":"', b"n", b'","email":"x@y.z","password":"p"}'),
        "many escapes": never_500(b'{"name":"', b"\\u00e9", b'"}'),
        "many backslashes": never_500(b'{"name":"', b"\\\\", b'"}'),
        "many surrogate pairs": never_500(b'{"password":"', b"\\ud83d\\ude00", b'"}'),
        "deep arrays": (b"[" * half + b"]" * half, NEVER_500),
        "deep arrays unclosed": (b"[" * SIZE, NOT_JSON),
        "deep objects": (fill(b"", b'{"a":', b"") + b"1" + b"}" * ((SIZE - 1) // 5), NEVER_500),
        "deep in a member": (b'{"email":' + b"[" * (half - 8) + b"]" * (half - 8) + b"}", NEVER_500),
        "deep mixed unclosed": (fill(b"", b'[{"a":', b""), NOT_JSON),
        "many distinct keys": (many_distinct_keys(), NEVER_500),
        "many keys nested": (b'{"x":' + many_distinct_keys(SIZE - 6) + b"}", NEVER_500),
        "duplicate schema keys": never_500(b"{", b'"email":"a@b.cd",', b'"email":"a@b.cd"}'),
        "duplicate refreshToken": never_500(b"{", b'"refreshToken":"x",', b'"refreshToken":"y"}'),
        "many empty keys": never_500(b"{", b'"":0,', b'"":0}'),
        "long key": never_500(b'{"', b"k", b'":1}'),
        "long number": never_500(b'{"n":', b"9", b"}"),
        "long fraction": never_500(b'{"n":0.', b"0", b"1}"),
        "many numbers": never_500(b'{"n":[', b"-1.5e-300,", b"0]}"),
        "whitespace": never_500(b"{", b" \t\r\n", b"}"),
        "over the limit": (fill(b'{"name":"', b"a", b'"}', MIB + 10), expect_error(413, "PAYLOAD_TOO_LARGE")),
    }


INVALID_UTF8 = [b"\xff", b"\xfe", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf",
                b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"\xbf", b"\xc3",
                b"\xe2\x82", b"\xf0\x9f\x98", b"a\xc3(b"]


def utf8_cases():
    cases = {}
    for i, bad in enumerate(INVALID_UTF8):
        cases[f"invalid utf-8 {i} in a value"] = (b'{"name":"ab' + bad + b'cd","email":"x@y.z",'
                                                  b'"password":"long-enough-1"}', NOT_JSON)
        cases[f"invalid utf-8 {i} in a key"] = (b'{"na' + bad + b'me":"x"}', NOT_JSON)
    cases["invalid utf-8 outside strings"] = (b'{"name":"x"\xff}', NOT_JSON)
    cases["lone high surrogate escape"] = (b'{"name":"\\ud800"}', NOT_JSON)
    cases["lone low surrogate escape"] = (b'{"name":"\\udc00x"}', NOT_JSON)
    cases["reversed surrogate pair"] = (b'{"password":"\\udc00\\ud800"}', NOT_JSON)
    cases["raw control byte in a string"] = (b'{"name":"a\x01b"}', NOT_JSON)
    cases["raw NUL in a string"] = (b'{"email":"a\x00@b.cd"}', NOT_JSON)
    cases["escaped NUL in name"] = (b'{"name":"a\\u0000b","email":"x@y.z","password":"long-enough-1"}',
                                    expect_error(400, "INVALID_PAYLOAD"))
    cases["BOM then object"] = (b"\xef\xbb\xbf{}", NEVER_500)
    cases["BOM inside"] = (b'{"name":"\xef\xbb\xbf"}', NEVER_500)
    cases["overlong NUL"] = (b'{"name":"\xc0\x80"}', NOT_JSON)
    return cases


NUMBERS_INVALID = [b"1e400", b"-1e400", b"1e999999999999999999999", b"01", b"1.", b".5", b"+1",
                   b"NaN", b"Infinity", b"-Infinity", b"0x10", b"1e", b"1e+", b"-", b"--1",
                   b"1.7976931348623159e308", b"1_000", b"\xef\xbc\x91"]
NUMBERS_VALID = [b"0", b"-0", b"0e0", b"1E+308", b"1.7976931348623157e308", b"4.9e-324",
                 b"1e-400", b"9007199254740993", b"-9223372036854775809",
                 b"123456789012345678901234567890123456789", b"0.1e-99999", b"1" + b"0" * 5000]


def number_cases():
    cases = {}
    for n in NUMBERS_INVALID:
        cases[f"number {n[:20]!r}"] = (b'{"name":' + n + b"}", NOT_JSON)
    for n in NUMBERS_VALID:
        cases[f"number {n[:20]!r} as a field"] = (b'{"password":' + n + b"}", NEVER_500)
        cases[f"number {n[:20]!r} unknown"] = (None, NEVER_500)  # filled per request below
    return cases


SHAPES = {
    "empty": b"",
    "null": b"null",
    "string": b'"x"',
    "number": b"5",
    "array": b"[]",
    "whitespace only": b"   ",
    "two objects": b"{}{}",
    "trailing garbage": b'{"a":1}x',
    "trailing comma": b'{"a":1,}',
    "comment": b'{/*c*/"a":1}',
    "single quotes": b"{'a':1}",
    "bare key": b"{a:1}",
    "unclosed string": b'{"a":"',
    "unclosed object": b'{"a":1',
    "lone brace": b"}",
    "colon run": b'{"a"::1}',
    "length trick": b'{"password":{"length":{"toString":1}},"name":{"length":1e400}}',
    "proto": b'{"__proto__":{"admin":true},"constructor":{"prototype":{}}}',
    "nested types": b'{"email":{"email":{"email":"a@b.cd"}},"password":["x"],"name":true}',
}


def post(route, body, cid, extra=()):
    return raw("POST", route, [JSON, *extra], body, cid=cid)


TIMED = ("many distinct keys", "deep arrays", "long string")


def run(target, category, cases, routes, test):
    problems = []
    for i, (name, (body, expect)) in enumerate(cases.items()):
        for route in routes(i):
            data = post(route, body, f"{test}-{i}")
            problems += target.judge(category, f"{name} -> {route}", data,
                                     [Req("POST", route, expect=all_of(expect_answer, expect))])
            if name in TIMED and route == "/v1/auth/tokens/refresh":
                # End to end (send, parse, answer), for the summary; never asserted.
                TALLY.figure(f"{target.front}: {len(body) / 1048576:.2f} MiB body, {name}, "
                             f"POST {route}", f"answered in {target.last.elapsed * 1000:.0f} ms")
    return problems


def spread(i):
    """Every case on every route, or (small scale) one route per case, in turn."""
    return ROUTES if FULL else [ROUTES[i % len(ROUTES)]]


def test_big_bodies(target):
    assert_no_problems(run(target, "json", big_cases(), spread, "big"))


def test_invalid_utf8(target):
    assert_no_problems(run(target, "json", utf8_cases(), lambda i: [ROUTES[i % 4]], "utf8"))


def test_numbers_at_the_edges(target):
    cases = number_cases()
    for n in NUMBERS_VALID:
        # A valid number in a member no schema knows: the registration goes through.
        body = json_body({"name": "Num Ber", "email": unique_email("num"), "password": PASSWORD})
        cases[f"number {n[:20]!r} unknown"] = (body[:-1] + b',"n":' + n + b"}", NEVER_500)
    assert_no_problems(run(target, "json", cases, lambda i: [ROUTES[i % 2]], "num"))


def test_malformed_shapes_and_types(target):
    cases = {name: (body, NEVER_500) for name, body in SHAPES.items()}
    for name in ("null", "string", "number", "two objects", "trailing garbage", "trailing comma",
                 "comment", "single quotes", "bare key", "unclosed string", "unclosed object",
                 "lone brace", "colon run", "whitespace only"):
        cases[name] = (SHAPES[name], NOT_JSON)
    assert_no_problems(run(target, "json", cases, spread, "shape"))


CONTENT_TYPES = [
    (b"application/json; charset=latin1", expect_error(415, "UNSUPPORTED_MEDIA_TYPE")),
    (b"application/json; charset=utf-8", NEVER_500),
    (b"application/json;charset=UTF-8", NEVER_500),
    (b"APPLICATION/JSON", NEVER_500),
    (b"application/json; charset=", NEVER_500),
    (b"application/json; charset", NEVER_500),
    (b"application/json; charset=\"utf-8\"", NEVER_500),
    (b"application/json; a=b; a=c; charset=utf-16", NEVER_500),
    (b"text/plain", NEVER_500),
    (b"application/x-www-form-urlencoded", NEVER_500),
    (b"multipart/form-data; boundary=x", NEVER_500),
    (b"application/json\x01", NEVER_500),
    (b"application/json" + b" " * 4000, NEVER_500),
    (b"", NEVER_500),
]


def test_content_types(target):
    problems = []
    body = json_body({"email": "nobody@hostile.test", "password": "wrong-password-1"})
    for i, (ctype, expect) in enumerate(CONTENT_TYPES):
        route = ROUTES[i % 4]
        data = raw("POST", route, [("Content-Type", ctype)], body, cid=f"ctype-{i}")
        problems += target.judge("json", f"content type {ctype[:40]!r}", data,
                                 [Req("POST", route, expect=all_of(expect_answer, expect))])
    data = raw("POST", ROUTES[1], [JSON, JSON], body, cid="ctype-twice")
    problems += target.judge("json", "two content types", data,
                             [Req("POST", ROUTES[1], expect=NEVER_500)])
    assert_no_problems(problems)


def test_known_user_untouched_by_hostile_bodies(target):
    """Bodies naming the known user: registration again (with duplicates and tricks) is 409 or
    400, never a change; the password and sessions are checked after the test."""
    email = target.known.email
    bodies = [
        b'{"name":"Evil","email":"%s","password":"evil-password-1"}' % email.encode(),
        b'{"name":"Evil","email":"%s","password":"evil-password-1","email":"%s"}'
        % (b"other@x.yz", email.encode()),
        b'{"name":"Evil","email":"  %s  ","password":"evil-password-1"}' % email.upper().encode(),
        b'{"name":"Evil","email":"%s\\u0000","password":"evil-password-1"}' % email.encode(),
        b'{"email":"%s","password":"evil-password-1","password":"evil-password-2"}' % email.encode(),
    ]
    problems = []
    for i, body in enumerate(bodies):
        route = ROUTES[0] if i < 4 else ROUTES[1]
        expect = expect_not(200, 201, 500) if i < 4 else all_of(expect_answer, expect_error(
            401, "INVALID_CREDENTIALS"))
        problems += target.judge("json", f"known user body {i}", post(route, body, f"known-{i}"),
                                 [Req("POST", route, expect=expect)])
    assert_no_problems(problems)


MUTATIONS = 6


def mutate(r, body):
    b = bytearray(body)
    for _ in range(r.randint(1, MUTATIONS)):
        op = r.randrange(8)
        pos = r.randrange(len(b) + 1)
        if op == 0 and b:
            b[min(pos, len(b) - 1)] = r.randrange(256)
        elif op == 1:
            b[pos:pos] = bytes([r.randrange(256)])
        elif op == 2 and b:
            del b[min(pos, len(b) - 1)]
        elif op == 3:
            b[pos:pos] = r.choice([b"\\u", b"\\ud800", b'"', b"\\", b"{", b"[", b"]", b"}", b",",
                                   b":", b"\x00", b"\xff", b"\xed\xa0\x80", b"1e400", b"-0.0e-0"])
        elif op == 4:
            depth = r.randrange(1, 3000)
            b[pos:pos] = b"[" * depth + b"]" * r.choice([0, depth])
        elif op == 5 and b:
            end = min(len(b), pos + r.randrange(1, 40))
            b[pos:pos] = b[pos:end] * r.randrange(2, 200)
        elif op == 6:
            b = b[:pos]
        else:
            b[pos:pos] = b',"%s":%s' % (bytes(r.choice(b"abcdefgh") for _ in range(3)),
                                         r.choice([b"0", b"null", b"[]", b'""', b"{}"]))
    return bytes(b)


def test_random_mutations(target):
    r = rng("json-mutations")
    seeds = [
        json_body({"name": "Mutant Name", "email": "mutant@hostile.test", "password": "mutant-pass-1"}),
        json_body({"email": "mutant@hostile.test", "password": "mutant-pass-1"}),
        json_body({"refreshToken": target.known.refresh[:20] + "x" * 40}),
    ]
    problems = []
    count = scaled(160, 30)
    for i in range(count):
        body = mutate(r, r.choice(seeds))
        route = r.choice(ROUTES)
        problems += target.judge("json", f"mutation {i} {body[:60]!r}", post(route, body, f"mut-{i}"),
                                 [Req("POST", route, expect=all_of(expect_answer, NEVER_500))])
    assert_no_problems(problems)
