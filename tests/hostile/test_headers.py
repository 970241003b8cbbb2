"""Hostile request heads: Content-Length invalid, duplicated and huge; Transfer-Encoding variants;
Expect; Range; thousands of headers; header and request-line syntax. Each request under test is
followed on its connection by pipelined requests, so that a body taken for a request (a
desynchronised connection) shows.
"""
import socket

import http_wire
from conftest import PASSWORD, Req, assert_no_problems, raw, scaled
from oracle import (TALLY, all_of, expect_answer, expect_error, expect_not, expect_refusal,
                    expect_status)
from pipeline import run_pipeline, smuggle

REGISTER = "/v1/auth/register"
JSON = ("Content-Type", "application/json")
BODY = b'{"a":1}'


def post_head(tag, headers, body=b"", cid_suffix="-0"):
    """A POST to /v1/auth/register whose framing headers are exactly `headers`."""
    return raw("POST", REGISTER, [JSON, *headers], body, cid=tag + cid_suffix, length=None,
               close=False)


INVALID_LENGTHS = [b"abc", b"-1", b"-0", b"1.5", b"+7", b"0x7", b"7 7", b"7,8", b"", b" ", b"1e3",
                   b"\xd9\xa7", b"7\x00", b"\t7x", b"18446744073709551616",
                   b"18446744073709551623", b"99999999999999999999999999", b"9223372036854775808",
                   b"0x", b"7;", b"7 ; ext"]


def test_content_length_invalid(target):
    problems = []
    for i, value in enumerate(INVALID_LENGTHS):
        tag = f"cl-bad-{i}"
        email, hidden = smuggle(tag)
        # Whatever the length says, the bytes after the head hold a whole request: a server
        # that refuses the length must close, and one that reads it as 0 runs that request.
        head = post_head(tag, [("Content-Length", value)], hidden)
        problems += run_pipeline(target, "headers", f"Content-Length {value!r}", head,
                                 Req("POST", REGISTER, expect=expect_refusal), tag,
                                 smuggle_email=email)
    assert_no_problems(problems)


def test_content_length_valid_spellings(target):
    problems = []
    for i, value in enumerate([b"7", b"007", b" 7", b"7 ", b"0000000000000000000007"]):
        tag = f"cl-ok-{i}"
        head = post_head(tag, [("Content-Length", value)], BODY)
        problems += run_pipeline(target, "headers", f"Content-Length {value!r}", head,
                                 Req("POST", REGISTER, expect=expect_not(500)), tag)
    assert_no_problems(problems)


# N is the length of the body (a hidden request), S a shorter length that ends inside it.
DUPLICATES = [["N", "N"], ["N", "S"], ["S", "N"], ["N, N"], ["N,S"], ["S, N"], ["N", ""],
              ["N", "abc"], ["N", "N0"]]


def test_content_length_duplicated(target):
    problems = []
    for i, values in enumerate(DUPLICATES):
        tag = f"cl-dup-{i}"
        email, hidden = smuggle(tag)
        spelled = [v.replace("N", str(len(hidden))).replace("S", "7") for v in values]
        agree = len(set(v.strip() for v in ",".join(spelled).split(","))) == 1
        head = post_head(tag, [("Content-Length", v) for v in spelled], hidden)
        expect = expect_not(500) if agree else expect_refusal
        problems += run_pipeline(target, "headers", f"Content-Length {values!r}", head,
                                 Req("POST", REGISTER, expect=expect), tag, smuggle_email=email)
    assert_no_problems(problems)


def test_content_length_huge(target):
    """A length over the limit is refused from the header, before any body byte is sent: the
    answer comes at once (not after a read timeout) and the connection is not reused for the
    body that never comes."""
    problems = []
    for i, value in enumerate([b"1048577", b"10737418240", b"9223372036854775807",
                               b"18446744073709551615"]):
        tag = f"cl-huge-{i}"
        head = post_head(tag, [("Content-Length", value)])
        # No followers: their bytes would be the (huge) body.
        problems += target.judge("headers", f"Content-Length {value!r} without a body", head,
                                 [Req("POST", REGISTER, cid=tag + "-0", expect=expect_refusal)])
    tag = "cl-huge-body"
    body = b'{"name":"' + b"a" * (2 * 1024 * 1024) + b'"}'
    email, hidden = smuggle(tag)
    head = post_head(tag, [("Content-Length", str(len(body)))], body[:-len(hidden)] + hidden)
    problems += run_pipeline(target, "headers", "2 MiB body with a request at its end", head,
                             Req("POST", REGISTER, expect=all_of(
                                 expect_answer, expect_error(413, "PAYLOAD_TOO_LARGE"))), tag,
                             smuggle_email=email)
    assert_no_problems(problems)


TRANSFER_ENCODINGS = [[b"chunked"], [b"Chunked"], [b"CHUNKED"], [b" chunked"], [b"chunked "],
                      [b"chunked, chunked"], [b"identity, chunked"], [b"chunked, identity"],
                      [b"gzip, chunked"], [b"x-chunked"], [b"chunked;q=1"], [b"\tchunked"],
                      [b"chunk"], [b"identity"], [b""], [b"chunked\x00"], [b"chunked", b"identity"],
                      [b"identity", b"chunked"], [b"chunked", b"chunked"], [b"\xe7hunked"]]


def chunked(body, tail=b""):
    return b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) + tail


def test_transfer_encoding_variants(target):
    problems = []
    for i, values in enumerate(TRANSFER_ENCODINGS):
        tag = f"te-{i}"
        email, hidden = smuggle(tag)
        # The one chunk holds a whole request: read as chunked, it is a body (not JSON: 400);
        # refused, the connection closes; read any other way, the request runs.
        head = post_head(tag, [("Transfer-Encoding", v) for v in values], chunked(hidden))
        problems += run_pipeline(target, "headers", f"Transfer-Encoding {values!r}", head,
                                 Req("POST", REGISTER, expect=expect_not(200, 201, 500)), tag,
                                 smuggle_email=email)
    assert_no_problems(problems)


def test_transfer_encoding_with_content_length(target):
    """The classic smuggling pairs: CL.TE and TE.CL, each way round and with spelling tricks."""
    problems = []
    for i, (order, te) in enumerate([("cl-te", b"chunked"), ("te-cl", b"chunked"),
                                     ("cl-te", b" chunked"), ("te-cl", b"xchunked"),
                                     ("cl-te", b"chunked, identity")]):
        tag = f"tecl-{i}"
        email, hidden = smuggle(tag)
        # Chunked, the body is one chunk holding a request; by Content-Length it is the chunk's
        # size line only, and the request comes next.
        body = chunked(hidden)
        size_line = body.index(b"\r\n") + 2
        headers = [("Content-Length", str(size_line)), ("Transfer-Encoding", te)]
        if order == "te-cl":
            headers.reverse()
        head = post_head(tag, headers, body)
        problems += run_pipeline(target, "headers", f"{order} {te!r}", head,
                                 Req("POST", REGISTER, expect=expect_not(200, 201, 500)), tag,
                                 smuggle_email=email)
    assert_no_problems(problems)


def test_chunked_framing(target):
    """Malformed chunked bodies; whatever the server does with chunked bodies, the connection
    stays in step."""
    frames = {
        "size overflow": b"ffffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
        "negative size": b"-1\r\nabc\r\n0\r\n\r\n",
        "size with spaces": b"7 \r\n" + BODY + b"\r\n0\r\n\r\n",
        "extension": b"7;name=value\r\n" + BODY + b"\r\n0\r\n\r\n",
        "long extension": b"7;" + b"e" * 20000 + b"\r\n" + BODY + b"\r\n0\r\n\r\n",
        "bare LF": b"7\n" + BODY + b"\n0\n\n",
        "short chunk": b"9\r\n" + BODY + b"\r\n0\r\n\r\n",
        "long chunk": b"5\r\n" + BODY + b"\r\n0\r\n\r\n",
        "trailer": b"7\r\n" + BODY + b"\r\n0\r\nX-Trailer: 1\r\n\r\n",
        "content-length trailer": b"7\r\n" + BODY + b"\r\n0\r\nContent-Length: 99\r\n\r\n",
        "many tiny chunks": b"1\r\n{\r\n" * 3000 + b"0\r\n\r\n",
        "chunk over the limit": b"100001\r\n" + b"a" * 0x100001 + b"\r\n0\r\n\r\n",
    }
    problems = []
    for i, (name, body) in enumerate(frames.items()):
        tag = f"chunk-{i}"
        head = post_head(tag, [("Transfer-Encoding", b"chunked")], body)
        problems += run_pipeline(target, "connections", f"chunked: {name}", head,
                                 Req("POST", REGISTER, expect=expect_not(200, 201, 500)), tag)
    # A chunked body whose last chunk never comes: the server must not wait for it forever
    # while answering nothing; a close (after its read timeout) is fine.
    tag = "chunk-open"
    head = post_head(tag, [("Transfer-Encoding", b"chunked")], b"7\r\n" + BODY + b"\r\n")
    problems += target.judge("connections", "chunked without its last chunk", head,
                             [Req("POST", REGISTER, cid=tag + "-0", expect=expect_not(200, 201))],
                             guard=scaled(12.0, 30.0), half_close=True)
    assert_no_problems(problems)


EXPECTS = [b"100-continue", b"100-Continue", b"bogus", b"100-continue, bogus", b"", b"200-ok",
           b"100-continue" + b" " * 5000]


def test_expect(target):
    problems = []
    for i, value in enumerate(EXPECTS):
        tag = f"expect-{i}"
        email, hidden = smuggle(tag)
        # The body (sent without waiting for 100 Continue) is a whole request.
        head = post_head(tag, [("Expect", value), ("Content-Length", str(len(hidden)))], hidden)
        problems += run_pipeline(target, "headers", f"Expect {value[:30]!r}", head,
                                 Req("POST", REGISTER, expect=expect_not(200, 201, 500)), tag,
                                 smuggle_email=email)
    # Expect on a request refused from its length: the body is sent anyway (a client that does
    # not wait for 100 Continue), with a request hidden at its end.
    tag = "expect-big"
    email, hidden = smuggle(tag)
    size = 1024 * 1024 + 100
    body = b"a" * (size - len(hidden)) + hidden
    head = post_head(tag, [("Expect", b"100-continue"), ("Content-Length", str(size))], body)
    problems += run_pipeline(target, "headers", "Expect with a body over the limit", head,
                             Req("POST", REGISTER, expect=expect_refusal), tag,
                             smuggle_email=email)
    # Two Expect headers.
    tag = "expect-two"
    head = post_head(tag, [("Expect", b"100-continue"), ("Expect", b"bogus"),
                           ("Content-Length", b"7")], BODY)
    problems += run_pipeline(target, "headers", "two Expect headers", head,
                             Req("POST", REGISTER, expect=expect_not(200, 201, 500)), tag)
    assert_no_problems(problems)


RANGES = [b"bytes=0-0", b"bytes=0-1,3-4", b"bytes=-5", b"bytes=99999-", b"bytes=abc", b"bytes=1-0",
          b"items=0-1", b"bytes=" + b"0-0," * 1000 + b"0-0", b"bytes=0-", b"bytes=-0"]


def json_contract(answer, front):
    """A Range (or a conditional) never changes an API answer: 200, whole JSON body."""
    if answer is None:
        return "expected the whole JSON answer, got a close"
    if answer.status != 200:
        return f"expected 200 with the whole JSON answer, got {answer.status}"
    return None


def test_range_and_conditionals(target):
    problems = []
    bearer = ("Authorization", "Bearer " + target.known.access)
    paths = ["/v1/auth/me", "/health", "/v1/auth/sessions", "/docs.json"]
    i = 0
    for path in paths:
        for value in RANGES:
            for method in (["GET", "HEAD"] if value == b"bytes=0-1,3-4" else ["GET"]):
                tag = f"range-{i}"
                i += 1
                head = raw(method, path, [bearer, ("Range", value)], cid=tag + "-0", close=False)
                problems += run_pipeline(target, "headers", f"{method} {path} Range {value[:30]!r}",
                                         head, Req(method, path, expect=json_contract), tag)
    for j, (name, value) in enumerate([("If-Range", b'W/"x"'), ("If-None-Match", b"*"),
                                       ("If-Modified-Since", b"Thu, 01 Jan 2099 00:00:00 GMT"),
                                       ("If-Match", b'"nope"'), ("If-Unmodified-Since", b"x")]):
        tag = f"cond-{j}"
        head = raw("GET", "/v1/auth/me", [bearer, (name, value), ("Range", b"bytes=0-3")],
                   cid=tag + "-0", close=False)
        problems += run_pipeline(target, "headers", f"{name}", head,
                                 Req("GET", "/v1/auth/me", expect=json_contract), tag)
    assert_no_problems(problems)


def many_headers(count, size):
    value = b"v" * max(0, size - 12)
    return [(b"X-H%d" % i, value) for i in range(count)]


def test_thousands_of_headers(target):
    problems = []
    cases = [(1000, 16, None), (scaled(10000, 3000), 16, None), (100, 1024, None),
             (1, 9 * 1024, None), (1, 64 * 1024, None), (scaled(4096, 1024), 1024, expect_refusal),
             (scaled(50000, 5000), 8, None)]
    for i, (count, size, expect) in enumerate(cases):
        tag = f"hdrs-{i}"
        head = raw("GET", "/health", many_headers(count, size), cid=tag + "-0", close=False)
        problems += run_pipeline(target, "headers", f"{count} headers of {size} bytes", head,
                                 Req("GET", "/health", expect=expect), tag)
    # A value of repeated cookies and a repeated header name.
    tag = "hdrs-same"
    head = raw("GET", "/health", [(b"Cookie", b"a=b")] * scaled(5000, 1000), cid=tag + "-0",
               close=False)
    problems += run_pipeline(target, "headers", "one name repeated", head, Req("GET", "/health"), tag)
    assert_no_problems(problems)


HEAD_SYNTAX = {
    "obs-fold": [(b"X-A", b"a\r\n b")],
    "space before colon": [(b"X-A ", b"a")],
    "content-length with space before colon": [(b"Content-Length ", b"N")],
    "transfer-encoding with space before colon": [(b"Transfer-Encoding ", b"chunked")],
    "transfer-encoding folded": [(b"Transfer-Encoding", b"\r\n chunked")],
    "no colon": [(b"Garbage-line-without-colon", None)],
    "bare CR in value": [(b"X-A", b"a\rb")],
    "bare LF in value": [(b"X-A", b"a\nX-B: b")],
    "NUL in name": [(b"X-\x00A", b"a")],
    "NUL in value": [(b"X-A", b"a\x00b")],
    "latin-1 in value": [(b"X-A", b"caf\xe9")],
    "utf-8 in name": [(b"X-\xc3\xa9", b"a")],
    "empty name": [(b"", b"v")],
    "long name": [(b"X-" + b"n" * 10000, b"v")],
    "whitespace line": [(b" ", None)],
    "two hosts": [(b"Host", b"other.test")],
    "host junk": [(b"Host", b"a b/c\\d")],
    "connection junk": [(b"Connection", b"keep-alive, close, upgrade, \x01")],
    "upgrade": [(b"Connection", b"Upgrade"), (b"Upgrade", b"h2c"), (b"HTTP2-Settings", b"AAMAAABkAAQCAAAAAAIAAAAA")],
    "websocket": [(b"Connection", b"Upgrade"), (b"Upgrade", b"websocket"),
                  (b"Sec-WebSocket-Key", b"dGhlIHNhbXBsZSBub25jZQ=="), (b"Sec-WebSocket-Version", b"13")],
    "x-forwarded junk": [(b"X-Forwarded-For", b"1.2.3.4, \x7f, ::1, " + b"9" * 5000),
                         (b"X-Forwarded-Proto", b"javascript"), (b"X-Forwarded-Host", b"<x>")],
}


def encode_header(name, value):
    return name if value is None else name + b": " + value


def test_header_syntax(target):
    problems = []
    for i, (name, headers) in enumerate(HEAD_SYNTAX.items()):
        tag = f"syntax-{i}"
        lines = [b"GET /health HTTP/1.1", b"Host: hostile.test", b"x-correlation-id: " + tag.encode()
                 + b"-0"] + [encode_header(n, v) for n, v in headers]
        head = b"\r\n".join(lines) + b"\r\n\r\n"
        email, hidden = smuggle(tag)
        framing = name.startswith(("content-length", "transfer-encoding"))
        if framing:
            # A body that is a whole request, framed by the odd header only.
            body = chunked(hidden) if name.startswith("transfer") else hidden
            head = head.replace(b"GET /health", b"POST " + REGISTER.encode()).replace(
                b"N\r\n", str(len(hidden)).encode() + b"\r\n") + body
        else:
            email = None
        problems += run_pipeline(target, "headers", name, head,
                                 Req("POST" if framing else "GET", REGISTER if framing else "/health",
                                     expect=expect_not(500)),
                                 tag, smuggle_email=email)
    assert_no_problems(problems)


REQUEST_LINES = {
    "double spaces": b"GET  /health  HTTP/1.1",
    "tabs": b"GET\t/health\tHTTP/1.1",
    "lowercase method": b"get /health HTTP/1.1",
    "NUL in method": b"GE\x00T /health HTTP/1.1",
    "unknown method": b"FOO /health HTTP/1.1",
    "long method": b"G" * 10000 + b" /health HTTP/1.1",
    "TRACE": b"TRACE /health HTTP/1.1",
    "OPTIONS asterisk": b"OPTIONS * HTTP/1.1",
    "CONNECT": b"CONNECT hostile.test:443 HTTP/1.1",
    "absolute form": b"GET http://hostile.test/health HTTP/1.1",
    "absolute form other host": b"GET http://127.0.0.1:1/health HTTP/1.1",
    "HTTP/1.0": b"GET /health HTTP/1.0",
    "HTTP/1.2": b"GET /health HTTP/1.2",
    "HTTP/2.0": b"GET /health HTTP/2.0",
    "HTTP/9.9": b"GET /health HTTP/9.9",
    "HTTP/1.10": b"GET /health HTTP/1.10",
    "lowercase version": b"GET /health http/1.1",
    "junk version": b"GET /health HTTP/1.1x",
    "extra token": b"GET /health HTTP/1.1 extra",
    "empty": b"",
    "leading CRLF": b"\r\n\r\nGET /health HTTP/1.1",
    "binary": bytes(range(1, 32)) + b" / HTTP/1.1",
    "h2 preface": b"PRI * HTTP/2.0\r\n\r\nSM",
    "TLS hello": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
}


def test_request_lines(target):
    problems = []
    for i, (name, line) in enumerate(REQUEST_LINES.items()):
        tag = f"line-{i}"
        head = line + b"\r\nHost: hostile.test\r\nx-correlation-id: " + tag.encode() + b"-0\r\n\r\n"
        method = line.split(b" ")[0] if b" " in line else b"GET"
        if name == "HTTP/1.0":
            # HTTP/1.0 closes after the answer unless asked otherwise: no followers.
            problems += target.judge("headers", name, head,
                                     [Req(method, "/health", expect=expect_status(200, 400, 505))])
            continue
        problems += run_pipeline(target, "headers", name, head,
                                 Req(method, b"/health", expect=expect_not(500)), tag)
    # HTTP/1.0 with keep-alive asked for: the answer, then the followers in step.
    tag = "line-10-ka"
    head = (b"GET /health HTTP/1.0\r\nHost: hostile.test\r\nConnection: keep-alive\r\n"
            b"x-correlation-id: " + tag.encode() + b"-0\r\n\r\n")
    problems += run_pipeline(target, "headers", "HTTP/1.0 keep-alive", head,
                             Req("GET", "/health", expect=expect_status(200)), tag)
    assert_no_problems(problems)


def test_http09(target):
    """An HTTP/0.9 request line, then the client's end of stream: a refusal, a close, or (nginx,
    which serves HTTP/0.9) the bare body; never a hang."""
    with http_wire.connect(target.port) as s:
        s.sendall(b"GET /health\r\n")
        s.shutdown(socket.SHUT_WR)
        s.settimeout(scaled(10.0, 30.0))
        data = b""
        try:
            while len(data) < 1 << 20:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
        except TimeoutError:
            data = None
    ok = data is not None and (data == b"" or data.startswith(b"HTTP/1.") or data.startswith(b"{"))
    TALLY.record(target.front, "headers", 1, 0 if ok else 1, 1 if data == b"" else 0)
    assert ok, f"HTTP/0.9 request got {data!r:.200}"




CORRELATION_IDS = [b'"},{"x":"\\', b"a" * 200, b"\x01", b"caf\xe9", b"", b" ", b"\x00", b"{}",
                   b"<script>", b"a" * 128, b"%00", b"\\u0000"]


def test_correlation_ids(target):
    """Odd ids on an error answer: the envelope and the header still agree (oracle), and the id
    is kept only when it is plain (or replaced)."""
    problems = []
    for i, value in enumerate(CORRELATION_IDS):
        data = raw("GET", "/nope", [("x-correlation-id", value)])
        problems += target.judge("headers", f"correlation id {value[:20]!r}", data,
                                 [Req("GET", "/nope", expect=expect_error(404, "NOT_FOUND"))])
    assert_no_problems(problems)


def test_user_agent_as_sent(target):
    """The session keeps User-Agent as sent: an empty header is "" (not null), an absent one
    null; odd bytes never break the answer."""
    import json
    body = b'{"email":"%s","password":"%s"}' % (target.known.email.encode(), PASSWORD.encode())
    cases = [([("User-Agent", b"")], ""), ([], None), ([("User-Agent", b"   ")], ""),
             ([("User-Agent", b"caf\xe9/1.0")], "caf\u00e9/1.0"),
             ([("User-Agent", b"a" * 4000)], "a" * 4000)]
    problems = []
    for i, (headers, stored) in enumerate(cases):
        data = raw("POST", "/v1/auth/sessions", [("Content-Type", "application/json"), *headers], body,
                   cid=f"ua-{i}")
        seen = {}

        def check(answer, front, stored=stored, seen=seen):
            if answer is None or answer.status != 200:
                return f"login gave {answer.status if answer else 'a close'}"
            session = json.loads(answer.body)["session"]
            seen["auth"] = json.loads(answer.body)
            if session["userAgent"] != stored:
                return f"userAgent stored as {session['userAgent']!r:.60}, sent {headers!r:.60}"
            return None
        problems += target.judge("headers", f"User-Agent {headers!r:.40}", data,
                                 [Req("POST", "/v1/auth/sessions", expect=check)])
        if "auth" in seen:  # the check's own session: revoked again
            target.call("DELETE", "/v1/auth/sessions/" + seen["auth"]["session"]["sessionId"],
                        headers={"Authorization": "Bearer " + seen["auth"]["accessToken"]})
    assert_no_problems(problems)
