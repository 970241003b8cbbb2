"""A real nginx (Debian's) in front of a server, configured by the shipped files.

packaging/nginx/authkit-compose.conf (the docker-compose front: HTTP listener, upstream `app:3000`)
is used as it is, with two lines replaced: the upstream address becomes the server's loopback
port and `listen 80` a free loopback port. packaging/nginx/authkit-proxy.conf, which holds the
limits, timeouts and JSON error pages, is included unchanged. The main nginx.conf written here
only says where nginx keeps its pid, log and temporary files.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NGINX_DIR = os.environ.get("AUTHKIT_NGINX_CONF_DIR",
                           os.path.join(HERE, "..", "..", "packaging", "nginx"))


def nginx_binary():
    for candidate in (os.environ.get("AUTHKIT_NGINX_BIN"), shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("nginx not found (scripts/install-deps.sh installs Debian's nginx)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def substitute_once(text, old, new, what):
    if text.count(old) != 1:
        raise RuntimeError(f"{what}: expected exactly one '{old}' in authkit-compose.conf")
    return text.replace(old, new)


class NginxFront:
    def __init__(self, app_port):
        self.binary = nginx_binary()
        self.port = free_port()
        self.work = tempfile.mkdtemp(prefix="authkit-nginx-")
        # Workers drop root for `nobody`, which must reach the temporary directories below.
        os.chmod(self.work, 0o755)
        os.makedirs(os.path.join(self.work, "snippets"))
        shutil.copy(os.path.join(NGINX_DIR, "authkit-proxy.conf"),
                    os.path.join(self.work, "snippets", "authkit-proxy.conf"))
        with open(os.path.join(NGINX_DIR, "authkit-compose.conf")) as f:
            site = f.read()
        site = substitute_once(site, "server app:3000;", f"server 127.0.0.1:{app_port};", "upstream")
        site = substitute_once(site, "listen 80;", f"listen 127.0.0.1:{self.port};", "listener")
        with open(os.path.join(self.work, "authkit-compose.conf"), "w") as f:
            f.write(site)
        w = self.work
        self.error_log = os.path.join(w, "error.log")
        with open(os.path.join(w, "nginx.conf"), "w") as f:
            f.write(f"""pid {w}/nginx.pid;
error_log {w}/error.log warn;
daemon off;
worker_processes 1;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {w}/body;
    proxy_temp_path {w}/proxy;
    fastcgi_temp_path {w}/fastcgi;
    uwsgi_temp_path {w}/uwsgi;
    scgi_temp_path {w}/scgi;
    include {w}/authkit-compose.conf;
}}
""")
        args = [self.binary, "-p", w, "-c", os.path.join(w, "nginx.conf"), "-e", self.error_log]
        test = subprocess.run(args + ["-t", "-q"], capture_output=True, text=True, timeout=30)
        if test.returncode != 0:
            raise RuntimeError(f"nginx -t failed: {test.stderr}")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 15
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.proc.stderr.read()!r} {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if s.recv(12) == b"HTTP/1.1 200":
                        break
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError(f"nginx did not answer /health: {self.log()}")
            time.sleep(0.05)

    def log(self):
        try:
            with open(self.error_log, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.work, ignore_errors=True)
