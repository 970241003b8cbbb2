#!/usr/bin/env python3
"""Per-operation costs on one PostgreSQL primary, measured through authkit-server.

Run by bench/scaling_inputs.sh (which starts the cluster and the server). Sends --ops operations
of each kind from one client, one after the other, and reads the database's counters around each
phase: pg_current_wal_lsn (WAL bytes), pg_stat_wal (records, full-page images, fsyncs),
pg_stat_statements (top-level statements: one per round trip of the store) and pg_stat_database
(committed transactions). Prints JSON: {"operations": {name: {per-operation figures}}, ...}.
One client means no group commit: every commit is its own fsync here; under concurrency commits
share fsyncs (docs/benchmarks/postgres-round-trips.md measured 0.49 per refresh at 8 clients).
"""
import argparse
import json
import subprocess
import sys
import time
import urllib.request


def call(base, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read()
        return json.loads(text) if text else None


class Counters:
    def __init__(self, psql, admin, database):
        self.psql, self.admin, self.database = psql, admin, database.rsplit("/", 1)[1]

    def read(self):
        # Backends report their statistics when idle, at most once a second: wait for them.
        time.sleep(1.5)
        query = f"""SELECT pg_current_wal_lsn() - '0/0',
          (SELECT wal_records FROM pg_stat_wal), (SELECT wal_fpi FROM pg_stat_wal),
          (SELECT wal_sync FROM pg_stat_wal),
          (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s
             JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '{self.database}'),
          (SELECT xact_commit FROM pg_stat_database WHERE datname = '{self.database}')"""
        out = subprocess.run([self.psql, "-X", "-At", "-F", " ", self.admin, "-c", query],
                             check=True, capture_output=True, text=True).stdout.split()
        return dict(zip(["wal_bytes", "wal_records", "wal_fpi", "wal_fsyncs", "statements",
                         "transactions"], (float(x) for x in out)))


def main():
    parser = argparse.ArgumentParser()
    for name in ("server", "database", "admin", "psql"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--ops", type=int, default=500)
    parser.add_argument("--fsync-rate", type=float, default=0.0)
    args = parser.parse_args()
    base, n = args.server, args.ops
    counters = Counters(args.psql, args.admin, args.database)
    results = {}
    password = "scaling-password-0123"
    users = [f"user{i}@scaling.example" for i in range(n)]
    state = {}

    def login_all(key):
        for email in users:
            state.setdefault(email, {})[key] = call(base, "POST", "/v1/auth/sessions",
                                                     {"email": email, "password": password})

    def phase(name, work):
        before = counters.read()
        started = time.monotonic()
        work()
        elapsed = time.monotonic() - started
        after = counters.read()
        figures = {k: (after[k] - before[k]) / n for k in before}
        figures["client_ms"] = 1000 * elapsed / n
        results[name] = figures
        print(f"scaling_inputs: {name}: {json.dumps(figures)}", file=sys.stderr)

    # Warm-up: the pool's connections and their prepared statements, the catalog caches.
    call(base, "POST", "/v1/auth/register",
         {"name": "Warm Up", "email": "warm@scaling.example", "password": password})
    warm = call(base, "POST", "/v1/auth/sessions",
                {"email": "warm@scaling.example", "password": password})
    call(base, "POST", "/v1/auth/tokens/refresh", {"refreshToken": warm["refreshToken"]})
    # A checkpoint first: every phase then pays the full-page images of the pages it touches
    # first after it, as operations after a checkpoint do.
    subprocess.run([args.psql, "-X", "-q", args.admin, "-c", "CHECKPOINT"], check=True)

    phase("register", lambda: [call(base, "POST", "/v1/auth/register",
                                    {"name": "Scaling User", "email": e, "password": password})
                               for e in users])
    phase("login", lambda: login_all("a"))

    def refresh():
        for email in users:
            state[email]["a"] = call(base, "POST", "/v1/auth/tokens/refresh",
                                     {"refreshToken": state[email]["a"]["refreshToken"]})
    phase("refresh", refresh)
    phase("me", lambda: [call(base, "GET", "/v1/auth/me", token=state[e]["a"]["accessToken"])
                         for e in users])
    phase("list_sessions", lambda: [call(base, "GET", "/v1/auth/sessions",
                                         token=state[e]["a"]["accessToken"]) for e in users])
    phase("logout", lambda: [call(base, "POST", "/v1/auth/sessions/current/revoke",
                                  {"refreshToken": state[e]["a"]["refreshToken"]}) for e in users])
    login_all("b")
    phase("revoke_session", lambda: [call(base, "DELETE",
                                          "/v1/auth/sessions/" + state[e]["b"]["session"]["sessionId"],
                                          token=state[e]["b"]["accessToken"]) for e in users])
    login_all("c")
    login_all("d")
    phase("revoke_all_2_sessions", lambda: [call(base, "DELETE", "/v1/auth/sessions",
                                                 token=state[e]["c"]["accessToken"])
                                            for e in users])
    # What a refresh_tokens row holds on disk, indexes included (the table every refresh grows).
    sizes = subprocess.run([args.psql, "-X", "-At", "-F", " ", args.database, "-c",
                            "SELECT pg_total_relation_size('refresh_tokens'), count(*) "
                            "FROM refresh_tokens"],
                           check=True, capture_output=True, text=True).stdout.split()
    json.dump({"measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "operations_per_phase": n, "fsync_rate_per_s": args.fsync_rate,
               "refresh_token_row_bytes": round(int(sizes[0]) / max(1, int(sizes[1]))),
               "operations": results}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
