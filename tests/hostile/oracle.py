"""The oracle every hostile request is judged by, and the tally of what was sent and mishandled.

Every request gets exactly one well-formed HTTP answer, or a clean close (the peer closes, or
resets, before any byte of an answer). A well-formed answer is framed (Content-Length or chunked,
nothing after it), and its body is the JSON error envelope
    {"error":{"code","message","details"?,"correlationId"}}
with the status the code belongs to and the correlation id also in `x-correlation-id`, or a
normal answer of the contract (JSON, or the empty body of a 204 / HEAD). Only /docs assets may be
anything else. A case may add its own expectation (e.g. 401 INVALID_TOKEN).
"""
import collections
import json
import re
import threading

# The statuses of the library's error codes (docs/compatibility.md, include/authkit/error.hpp)
# and the codes the nginx front answers with (packaging/nginx/authkit-proxy.conf).
CODE_STATUS = {
    "INVALID_PAYLOAD": {400},
    "AUTHORIZATION_REQUIRED": {401},
    "INVALID_AUTHORIZATION_HEADER": {401},
    "INVALID_TOKEN": {401},
    "SESSION_NOT_FOUND": {401, 404},
    "SESSION_NOT_ACTIVE": {401},
    "INVALID_CREDENTIALS": {401},
    "USER_ALREADY_EXISTS": {409},
    "INVALID_REFRESH_TOKEN": {401},
    "SESSION_COMPROMISED": {401},
    "SESSION_REVOKED": {401},
    "REFRESH_TOKEN_REUSED": {401},
    "REFRESH_TOKEN_EXPIRED": {401},
    "AUTH_CONTEXT_NOT_FOUND": {404},
    "TOO_MANY_REQUESTS": {429},
    "METRICS_AUTHORIZATION_REQUIRED": {401},
    "INTERNAL_SERVER_ERROR": {500},
    "SERVICE_UNAVAILABLE": {503},
    "PAYLOAD_TOO_LARGE": {413},
    "UNSUPPORTED_MEDIA_TYPE": {415},
    "NOT_FOUND": {404},
    "REQUEST_HEADER_FIELDS_TOO_LARGE": {431},
    "URI_TOO_LONG": {414},
    "NOT_IMPLEMENTED": {501},
    "LENGTH_REQUIRED": {411},
    "REQUEST_TIMEOUT": {408},
    "HTTP_VERSION_NOT_SUPPORTED": {505},
}
CODE_SHAPE = re.compile(r"^[A-Z][A-Z0-9_]*$")
JSON_TYPE = "application/json; charset=utf-8"
# Statuses with which a proxy or the server refuses a request it will not (or cannot) read.
REFUSALS = {400, 408, 411, 413, 414, 415, 417, 431, 501, 505}


def is_docs_asset(path):
    p = path.split(b"?")[0].lower() if isinstance(path, bytes) else b""
    return p.startswith(b"/docs") and not p.startswith(b"/docs.json")


def envelope_problems(answer, head_request=False):
    """Why `answer` is not a valid JSON error envelope (empty list: it is one). The answer to a
    HEAD has the envelope's headers and no body."""
    problems = []
    ctype = answer.header("content-type")
    if ctype is None or ctype.replace(" ", "").lower() != JSON_TYPE.replace(" ", ""):
        problems.append(f"{answer.status} with Content-Type {ctype!r}")
    if head_request:
        if answer.body:
            problems.append(f"{answer.status} to HEAD with a body")
        if not answer.header("x-correlation-id"):
            problems.append(f"{answer.status} to HEAD without x-correlation-id")
        return problems
    try:
        body = json.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return problems + [f"{answer.status} body is not JSON: {answer.body[:80]!r}"]
    if body in ({"message": "metrics disabled"}, {"message": "docs disabled"}) and answer.status == 404:
        return problems
    if not isinstance(body, dict) or list(body.keys()) != ["error"] or not isinstance(body["error"], dict):
        return problems + [f"{answer.status} body is not an error envelope: {answer.body[:120]!r}"]
    error = body["error"]
    keys = list(error.keys())
    if keys not in (["code", "message", "correlationId"], ["code", "message", "details", "correlationId"]):
        problems.append(f"envelope keys {keys}")
    code = error.get("code")
    if not isinstance(code, str) or not CODE_SHAPE.match(code):
        problems.append(f"envelope code {code!r}")
    elif code in CODE_STATUS and answer.status not in CODE_STATUS[code]:
        problems.append(f"status {answer.status} carries code {code}")
    if not isinstance(error.get("message"), str) or not error.get("message"):
        problems.append(f"envelope message {error.get('message')!r}")
    if "details" in error:
        details = error["details"]
        if not isinstance(details, list) or not all(
                isinstance(d, dict) and list(d.keys()) == ["path", "message"]
                and all(isinstance(v, str) for v in d.values()) for d in details):
            problems.append(f"envelope details {str(details)[:120]}")
    cid = error.get("correlationId")
    if not isinstance(cid, str) or not cid:
        problems.append(f"envelope correlationId {cid!r}")
    elif answer.header("x-correlation-id") != cid:
        problems.append(f"x-correlation-id {answer.header('x-correlation-id')!r} != correlationId {cid!r}")
    return problems


def answer_problems(answer, method, path):
    """Why `answer` is not a well-formed answer of this API."""
    if answer.status >= 400:
        return envelope_problems(answer, method == b"HEAD")
    if is_docs_asset(path):
        return []
    if answer.status == 204 or method == b"HEAD":
        return [] if answer.body == b"" else [f"{answer.status} to {method!r} with a body"]
    if not 200 <= answer.status < 300:
        return [f"status {answer.status} outside /docs"]
    ctype = (answer.header("content-type") or "").lower()
    if path.split(b"?")[0].lower().rstrip(b"/") == b"/metrics" and ctype.startswith("text/plain"):
        return []
    if ctype.replace(" ", "") != JSON_TYPE.replace(" ", ""):
        return [f"{answer.status} with Content-Type {ctype!r}"]
    try:
        json.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return [f"{answer.status} body is not JSON: {answer.body[:80]!r}"]
    return []


def error_code(answer):
    try:
        return json.loads(answer.body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


# ---- expectations a case may add ------------------------------------------------------------
# An expectation is called with the answer (None when the connection closed without one) and the
# front ("direct" or "nginx"); it returns None when satisfied, else what is wrong.

def expect_status(*statuses, proxy_may_refuse=False):
    def check(answer, front):
        if answer is None or answer.status in statuses:
            return None
        if proxy_may_refuse and front == "nginx" and answer.status in REFUSALS:
            return None
        return f"expected status {statuses}, got {answer.status}"
    return check


def expect_error(status, code, proxy_may_refuse=True, answered=True):
    """The server's answer must be this error; through nginx, nginx may refuse first (with its
    own envelope, checked by the generic oracle) instead."""
    def check(answer, front):
        if answer is None:
            return f"expected {status} {code}, got a close" if answered else None
        if answer.status == status and error_code(answer) == code:
            return None
        if proxy_may_refuse and front == "nginx" and answer.status in REFUSALS:
            return None
        return f"expected {status} {code}, got {answer.status} {error_code(answer)}"
    return check


def expect_refusal(answer, front):
    """Not served: a 4xx/5xx refusal (any envelope), or a close."""
    if answer is None or answer.status >= 400:
        return None
    return f"expected a refusal, got {answer.status}"


def expect_not(*statuses):
    def check(answer, front):
        if answer is not None and answer.status in statuses:
            return f"status {answer.status} must not be given"
        return None
    return check


def expect_answer(answer, front):
    return "expected an answer, got a close" if answer is None else None


def all_of(*checks):
    def check(answer, front):
        for c in checks:
            problem = c(answer, front)
            if problem:
                return problem
        return None
    return check


# ---- tally ----------------------------------------------------------------------------------

class Tally:
    """Requests sent and mishandled, per front and category, for the closing summary."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = collections.Counter()
        self.mishandled = collections.Counter()
        self.closes = collections.Counter()
        self.figures = []  # (label, text): measured figures printed in the summary

    def record(self, front, category, requests, mishandled, closes=0):
        with self.lock:
            self.sent[(front, category)] += requests
            self.mishandled[(front, category)] += mishandled
            self.closes[(front, category)] += closes

    def figure(self, label, text):
        with self.lock:
            self.figures.append((label, text))

    def lines(self):
        keys = sorted(self.sent)
        out = [f"{'front':8} {'category':12} {'sent':>7} {'mishandled':>10} {'closed':>7}"]
        for key in keys:
            out.append(f"{key[0]:8} {key[1]:12} {self.sent[key]:7d} {self.mishandled[key]:10d} "
                       f"{self.closes[key]:7d}")
        total_sent = sum(self.sent.values())
        total_bad = sum(self.mishandled.values())
        out.append(f"{'all':8} {'':12} {total_sent:7d} {total_bad:10d} {sum(self.closes.values()):7d}")
        out += [f"{label}: {text}" for label, text in self.figures]
        return out


TALLY = Tally()
