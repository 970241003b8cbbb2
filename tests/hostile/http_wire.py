"""HTTP/1.1 on raw sockets: build requests byte for byte, read every answer off the wire.

An HTTP client library would refuse (or repair) most of what this suite sends, and would hide
what matters here: how many answers came back, in which order, whether anything else came with
them, and whether the connection was closed. Everything is bounded: each read has a deadline
(the hang guard), and a connection is never read past MAX_READ bytes.
"""
import re
import socket
import time

MAX_READ = 32 * 1024 * 1024  # no answer of this API comes near; more is a mishandling
GRACE = 0.5  # once every expected answer is in: how long to wait for the close or stray bytes

STATUS_LINE = re.compile(rb"HTTP/1\.[01] (\d{3})(?: [^\r\n]*)?\r\n")
HEADER_LINE = re.compile(rb"([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\r\n]*?)[ \t]*\r\n")


def request(method, target, headers=(), body=b"", version=b"HTTP/1.1"):
    """The bytes of one request. `headers` is a list of (name, value) pairs (str or bytes),
    sent in order and verbatim: no Host, Content-Length or anything else is added."""
    def b(x):
        return x if isinstance(x, bytes) else x.encode("latin-1")
    lines = [b(method) + b" " + b(target) + b" " + version]
    lines += [b(name) + b": " + b(value) for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class Answer:
    def __init__(self, status, headers, body, head):
        self.status = status
        self.headers = headers  # list of (lowercase name, value), as sent
        self.body = body
        self.head = head

    def header(self, name):
        values = [v for n, v in self.headers if n == name]
        return values[0] if len(values) == 1 else None

    def header_count(self, name):
        return sum(1 for n, _ in self.headers if n == name)

    def closes(self):
        return (self.header("connection") or "").lower() == "close"

    def __repr__(self):
        return f"<{self.status} {self.body[:120]!r}>"


class Malformed(Exception):
    """Bytes that are not an HTTP/1.1 answer (where one was due)."""


def parse_answer(buf, head_request, at_eof):
    """One answer at the start of `buf`: (Answer, bytes consumed), or None when more bytes are
    needed. Raises Malformed for bytes that cannot start or continue an answer."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        if not b"HTTP/1.".startswith(buf[:7]):
            raise Malformed(f"not a status line: {buf[:60]!r}")
        if at_eof:
            raise Malformed(f"connection closed inside an answer's head: {buf[:60]!r}")
        return None
    head = buf[:end + 2]
    m = STATUS_LINE.match(head)
    if not m:
        raise Malformed(f"not a status line: {head[:60]!r}")
    status = int(m.group(1))
    headers = []
    pos = m.end()
    while pos < len(head):
        hm = HEADER_LINE.match(head, pos)
        if not hm:
            raise Malformed(f"bad header line in answer: {head[pos:pos + 60]!r}")
        headers.append((hm.group(1).decode().lower(), hm.group(2).decode("latin-1")))
        pos = hm.end()
    start = end + 4
    answer_head = head.decode("latin-1")
    names = [n for n, _ in headers]
    if 100 <= status < 200 or status in (204, 304) or head_request:
        if status in (204, 304) and ("transfer-encoding" in names):
            raise Malformed(f"{status} with a body framing header")
        return Answer(status, headers, b"", answer_head), start
    if "transfer-encoding" in names:
        if names.count("transfer-encoding") != 1 or "content-length" in names:
            raise Malformed("answer with Transfer-Encoding and Content-Length (or two codings)")
        return _chunked(buf, start, status, headers, answer_head, at_eof)
    lengths = [v for n, v in headers if n == "content-length"]
    if len(lengths) > 1:
        raise Malformed("answer with several Content-Length headers")
    if lengths:
        if not lengths[0].isdigit():
            raise Malformed(f"answer Content-Length {lengths[0]!r}")
        size = int(lengths[0])
        if len(buf) - start < size:
            if at_eof:
                raise Malformed(f"closed after {len(buf) - start} of {size} body bytes")
            return None
        return Answer(status, headers, buf[start:start + size], answer_head), start + size
    # Delimited by the close (legal for an answer, never what this server does).
    if not at_eof:
        return None
    return Answer(status, headers, buf[start:], answer_head + "(body delimited by close)\r\n"), len(buf)


def _chunked(buf, pos, status, headers, head, at_eof):
    body = b""
    while True:
        line_end = buf.find(b"\r\n", pos)
        if line_end < 0:
            if at_eof:
                raise Malformed("closed inside a chunked answer")
            return None
        size_text = buf[pos:line_end].split(b";")[0].strip()
        if not re.fullmatch(rb"[0-9A-Fa-f]{1,8}", size_text):
            raise Malformed(f"bad chunk size {size_text[:20]!r}")
        size = int(size_text, 16)
        pos = line_end + 2
        if size == 0:
            trailer_end = buf.find(b"\r\n", pos)
            while trailer_end > pos:  # trailer fields
                pos = trailer_end + 2
                trailer_end = buf.find(b"\r\n", pos)
            if trailer_end < 0:
                if at_eof:
                    raise Malformed("closed inside a chunked answer's trailer")
                return None
            return Answer(status, headers, body, head), trailer_end + 2
        if len(buf) < pos + size + 2:
            if at_eof:
                raise Malformed("closed inside a chunk")
            return None
        if buf[pos + size:pos + size + 2] != b"\r\n":
            raise Malformed("chunk not followed by CRLF")
        body += buf[pos:pos + size]
        pos += size + 2


class Exchange:
    """What came back on one connection: the final answers in order, the interim (1xx) ones, and
    how the connection ended ('close', 'reset', 'timeout')."""

    def __init__(self):
        self.answers = []
        self.interim = []
        self.ending = None
        self.malformed = None
        self.trailing = b""
        self.elapsed = 0.0


def connect(port, timeout=10.0, host="127.0.0.1", source=None):
    """`source`: the local address to speak from (another loopback address is another client
    to a per-address limit)."""
    s = socket.create_connection((host, port), timeout=timeout,
                                 source_address=(source, 0) if source else None)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def send_all(sock, data, chunk=1 << 20):
    """Sends what the peer takes; stops (without raising) when it closes or resets. Returns the
    number of bytes sent."""
    sent = 0
    view = memoryview(data)
    try:
        while sent < len(data):
            sent += sock.send(view[sent:sent + chunk])
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    return sent


def read_answers(sock, expected, head_flags=(), guard=10.0):
    """Reads until `expected` final answers arrived and the peer closed, the peer closed, or the
    guard ran out. `head_flags[i]` says whether the i-th request was a HEAD."""
    ex = Exchange()
    buf = b""
    start = time.monotonic()
    deadline = start + guard
    at_eof = False
    grace_started = False
    while True:
        # Parse whatever is complete.
        while buf and ex.malformed is None:
            index = len(ex.answers)
            is_head = head_flags[index] if index < len(head_flags) else False
            try:
                parsed = parse_answer(buf, is_head, at_eof)
            except Malformed as e:
                ex.malformed = str(e)
                ex.trailing = buf[:200]
                break
            if parsed is None:
                break
            answer, used = parsed
            buf = buf[used:]
            (ex.interim if 100 <= answer.status < 200 else ex.answers).append(answer)
        if at_eof or ex.malformed is not None:
            break
        if len(ex.answers) >= expected and not grace_started:
            # Everything expected is here: wait a little for the close, or for bytes that
            # should not be there, but not for the whole guard.
            grace_started = True
            deadline = min(deadline, time.monotonic() + GRACE)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            ex.ending = "open" if grace_started else "timeout"
            break
        sock.settimeout(remaining)
        try:
            data = sock.recv(65536)
        except socket.timeout:
            ex.ending = "open" if grace_started else "timeout"
            break
        except ConnectionResetError:
            ex.ending = "reset"
            at_eof = True
            continue
        if not data:
            ex.ending = "close"
            at_eof = True
            continue
        buf += data
        if len(buf) > MAX_READ:
            ex.malformed = "answer larger than %d bytes" % MAX_READ
            break
    if buf and ex.malformed is None:
        ex.malformed = ("incomplete answer when the guard ran out" if ex.ending == "timeout"
                        else "bytes after the answers")
        ex.trailing = buf[:200]
    ex.elapsed = time.monotonic() - start
    return ex


def exchange(port, data, expected=1, head_flags=(), guard=10.0, half_close=False, host="127.0.0.1",
             source=None):
    """Connects, sends `data` (bytes, or a list of byte strings sent one after the other), reads
    every answer; the connection is always closed afterwards."""
    with connect(port, timeout=guard, host=host, source=source) as s:
        for part in (data if isinstance(data, list) else [data]):
            send_all(s, part)
        if half_close:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        return read_answers(s, expected, head_flags, guard)
