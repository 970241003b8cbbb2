"""Servers the smoke check is pointed at besides the real one: a deployment that answers the
REST contract but gets one rule wrong, a TLS front for the real server, and a server that
trickles its answer. Each runs in threads of the test process on a free loopback port."""
import json
import socket
import ssl
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WrongDeployment:
    """Answers register, login, /me, refresh and the revocations well enough for the smoke
    check's earlier steps, but never detects a replay: a used refresh token presented again is
    rotated once more (200). With `echo_on_replay`, a replay is refused instead with a message
    that echoes the presented token, as a careless deployment might. Records every request."""

    def __init__(self, echo_on_replay=False):
        self.echo_on_replay = echo_on_replay
        self.requests = []          # (method, path, headers dict, body text)
        self.issued_tokens = []
        self.passwords = []
        self._sessions = {}         # access token -> session id
        self._refresh = {}          # refresh token -> (session id, used)
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body=None):
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                text = self.rfile.read(length).decode() if length else ""
                with owner._lock:
                    owner.requests.append((self.command, self.path, dict(self.headers), text))
                    status, body = owner._route(self.command, self.path, self.headers, text)
                self._answer(status, body)

            do_GET = do_POST = do_DELETE = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _pair(self, session_id, email):
        access, refresh = "acc-" + uuid.uuid4().hex, "ref-" + uuid.uuid4().hex
        self.issued_tokens += [access, refresh]
        self._sessions[access] = session_id
        self._refresh[refresh] = (session_id, False)
        return {"accessToken": access, "refreshToken": refresh,
                "user": {"id": 1, "name": "x", "email": email, "createdAt": "now"},
                "session": {"sessionId": session_id, "status": "ACTIVE", "current": True}}

    def _route(self, method, path, headers, text):
        body = json.loads(text) if text else {}
        email = getattr(self, "_email", "")
        if (method, path) == ("POST", "/v1/auth/register"):
            self._email = body["email"]
            self.passwords.append(body["password"])
            return 201, {"user": {"id": 1, "name": body["name"], "email": body["email"]}}
        if (method, path) == ("POST", "/v1/auth/sessions"):
            self.passwords.append(body["password"])
            return 200, self._pair(str(uuid.uuid4()), email)
        if (method, path) == ("POST", "/v1/auth/tokens/refresh"):
            session_id, used = self._refresh[body["refreshToken"]]
            if used and self.echo_on_replay:
                return 401, {"error": {"code": "INVALID_REFRESH_TOKEN",
                                       "message": "unknown token " + body["refreshToken"]}}
            self._refresh[body["refreshToken"]] = (session_id, True)
            return 200, self._pair(session_id, email)
        bearer = headers.get("Authorization", "")[len("Bearer "):]
        if (method, path) == ("GET", "/v1/auth/me"):
            return 200, {"user": {"email": email},
                         "session": {"sessionId": self._sessions.get(bearer, "")}}
        if (method, path) in (("DELETE", "/v1/auth/sessions"),
                              ("POST", "/v1/auth/sessions/current/revoke")):
            return 204, None
        return 404, {"error": {"code": "NOT_FOUND", "message": "not found"}}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def self_signed_certificate(folder):
    """A certificate for 127.0.0.1 and localhost and its key (PEM files in `folder`), made with
    the openssl command line."""
    cert, key = folder + "/cert.pem", folder + "/key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=30)
    return cert, key


class TlsFront:
    """Terminates TLS with `cert`/`key` and passes the bytes on to 127.0.0.1:`upstream_port`:
    an https URL in front of the real server, as a deployment's proxy would give."""

    def __init__(self, upstream_port, cert, key):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = "https://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            client = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            conn.close()       # a client that refused the certificate
            return
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))

        def pump(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        back = threading.Thread(target=pump, args=(upstream, client), daemon=True)
        back.start()
        pump(client, upstream)
        back.join(timeout=10)
        client.close()
        upstream.close()

    def close(self):
        self.closed = True
        self.listener.close()


class TricklingServer:
    """Accepts, then sends the start of an answer one byte every `interval` seconds and never
    finishes it: each wait on the socket is short, the answer endless."""

    def __init__(self, interval=0.3):
        self.interval = interval
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = "http://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn):
        with conn:
            try:
                for byte in b"HTTP/1.1 201 Created\r\nX-Filler: " + b"a" * 10000:
                    if self.closed:
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(self.interval)
            except OSError:
                pass

    def close(self):
        self.closed = True
        self.listener.close()
