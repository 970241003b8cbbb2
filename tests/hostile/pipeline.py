"""Pipelined exchanges: a request under test followed, on the same connection, by well-formed
requests with correlation ids of their own. Answers must come back in order, each carrying its
own request's id; after a refusal the connection may close (the rest never started), but no byte
of a refused body may ever be taken for a request (which shows as an answer with an id nobody
sent, a 400 to garbage, or a hang).
"""
from conftest import Req, raw, unique_email
from oracle import expect_status

FOLLOWERS = 2


def followers(tag):
    """Two GET /health, the last one closing the connection."""
    data = b""
    reqs = []
    for i in range(FOLLOWERS):
        cid = f"{tag}-f{i}"
        data += raw("GET", "/health", cid=cid, close=(i == FOLLOWERS - 1))
        reqs.append(Req("GET", "/health", cid=cid, pipelined=True,
                        expect=expect_status(200)))
    return data, reqs


def smuggled_register(email, cid):
    """A complete request, to be hidden in a body: if it is ever executed, `email` exists."""
    body = b'{"name":"Smuggled User","email":"%s","password":"smuggled-pass-1"}' % email.encode()
    return raw("POST", "/v1/auth/register", [("Content-Type", "application/json")], body,
               cid=cid, close=False)


def run_pipeline(target, category, name, head, first, tag, tail=b"", smuggle_email=None,
                 guard=None, half_close=False):
    """Sends `head` (the request under test, judged by `first`: a Req), `tail` bytes, then the
    followers; returns the problems, with a check that `smuggle_email` was never registered."""
    first.cid = first.cid or f"{tag}-0"
    first.pipelined = True
    data, reqs = followers(tag)
    problems = target.judge(category, name, [head + tail + data], [first] + reqs, guard=guard,
                            half_close=half_close)
    if smuggle_email and not target.absent(smuggle_email):
        problems.append(f"[{target.front}] {name}: a request hidden in a body was executed "
                        f"({smuggle_email} exists)")
    return problems


def smuggle(tag):
    email = unique_email("smuggled")
    return email, smuggled_register(email, f"{tag}-smuggled")
