"""A database of the original service to import from: its schema (tests/data/original-schema.sql)
in a fresh PostgreSQL database, filled with generated rows, set-based so that thousands of users
take a second or two.

What the rows hold, so that the import meets what a real database of the original holds:
- AUTHKIT_IMPORT_USERS users (default 2000; ids 1..N, never 2890), all with the bcrypt hash of
  the known-answer file (tests/data/original-tokens.json), whose password is known; one in eleven
  has no session, the others three;
- sessions in every status: ACTIVE, REVOKED with each revoke reason, COMPROMISED (no reason);
  user agents and addresses NULL, empty, IPv4-mapped, IPv6, non-ASCII;
- per session a rotation chain of 0 to 4 tokens, in every status: USED (usedAt,
  replacedByTokenId, parentTokenId), then the last one ACTIVE (ACTIVE session), REVOKED (REVOKED
  session), or REUSED + REVOKED (COMPROMISED session: the replayed token and the one it revoked);
- the known-answer rows: user 2890, its session and its ACTIVE refresh token;
- hostile rows: lineage links naming tokens that do not exist (imported as NULL), times at the
  edges of the millisecond, names with quotes, newlines and emoji.
Rows the import must refuse are in a small source of their own (generate_unholdable): in the big
one they would make every import end with refusals.
"""
import calendar
import hashlib
import json
import os
import subprocess
import time
import urllib.parse
import uuid

import jwt

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "..", "data")
SCHEMA_SQL = os.path.join(DATA_DIR, "original-schema.sql")

with open(os.path.join(DATA_DIR, "original-tokens.json"), encoding="utf-8") as _f:
    KAT = json.load(_f)

PASSWORD = KAT["password"]
BCRYPT_HASH = KAT["passwordHashBcrypt"]
KAT_USER_ID = KAT["user"]["id"]
KAT_REFRESH = json.loads(KAT["refreshTokenPayload"])
# The known-answer refresh token's row id: the original never shows it, any UUID does.
KAT_TOKEN_ID = "0b7e5c52-8d4e-4f0a-9c1d-6a2b3c4d5e6f"

USERS = int(os.environ.get("AUTHKIT_IMPORT_USERS", "2000"))
SESSIONS_PER_USER = 3

# Hostile rows: a user past every generated id, and links to tokens nobody has.
HOSTILE_USER_ID = 100000
HOSTILE_SESSION_ID = "5e55d0e1-0000-4000-8000-00000000a001"
DANGLING_PARENT_TOKEN_ID = "7a7a7a7a-0000-4000-8000-0000000d0e51"
DANGLING_NEXT_TOKEN_ID = "7b7b7b7b-0000-4000-8000-0000000d0e51"


def psql_binary():
    binary = os.path.join(os.environ.get("AUTHKIT_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"),
                          "psql")
    return binary if os.access(binary, os.X_OK) else "psql"


def psql(url, sql, timeout=120):
    """The output lines of `sql` run on `url` (unaligned, tuples only: one line per row of one
    column). The SQL goes through stdin: it may be longer than a command-line argument."""
    done = subprocess.run([psql_binary(), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url],
                          input=sql, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"psql: {done.stderr}")
    return done.stdout.splitlines()


def with_database(url, name):
    """`url` naming the database `name` instead (same server, user and query)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def create_database(base_url, prefix):
    """A fresh, empty database on the server of `base_url`: (name, url)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    psql(base_url, f'CREATE DATABASE "{name}"')
    return name, with_database(base_url, name)


def drop_database(base_url, name):
    psql(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def uuid_sql(label):
    """SQL for a UUID v4 text (version and variant set) from the md5 of `label` (SQL text)."""
    return (f"(substr(md5({label}), 1, 12) || '4' || substr(md5({label}), 14, 3) || '8' || "
            f"substr(md5({label}), 18, 15))::uuid::text")


def ts_sql(ms):
    """SQL for a timestamp(3) (UTC, no zone) of `ms` milliseconds since the epoch."""
    return f"(timestamp '1970-01-01' + interval '1 millisecond' * {int(ms)})"


def iso_ms(text):
    """Milliseconds since the epoch of an ISO-8601 UTC time like 2026-11-28T16:34:54.467Z."""
    seconds, fraction = text.rstrip("Z").split(".")
    whole = time.strptime(seconds, "%Y-%m-%dT%H:%M:%S")
    return calendar.timegm(whole) * 1000 + int(fraction)


# The generated rows. Times run from a fixed base (2026-06-01 UTC) with millisecond parts, so
# that two sources generated alike are equal.
GENERATE_SQL = f"""
BEGIN;
CREATE TEMP TABLE gen_user ON COMMIT DROP AS
SELECT g AS id,
       CASE WHEN g % 7 = 0 THEN 'Zoë O''Brien-' || g ELSE 'User ' || g END AS name,
       'user.' || g || '@example.test' AS email,
       timestamp '2026-06-01 00:00:00' + interval '1 millisecond' * (g * 37003 + g % 1000)
         AS created
FROM generate_series(1, {USERS}) AS g
WHERE g <> {KAT_USER_ID};

INSERT INTO "User" (id, name, email, "passwordHash", "createdAt", "updatedAt")
SELECT id, name, email, '{BCRYPT_HASH}', created,
       created + interval '1 day' * (id % 5) + interval '1 millisecond' * (id % 997)
FROM gen_user;

-- s: the session's number, from which its status and its chain's length follow.
CREATE TEMP TABLE gen_session ON COMMIT DROP AS
SELECT u.id AS user_id, k, {uuid_sql("'session:' || u.id || ':' || k")} AS id,
       u.id * 3 + k AS s,
       CASE (u.id + k) % 3 WHEN 0 THEN 'ACTIVE' WHEN 1 THEN 'REVOKED' ELSE 'COMPROMISED' END
         AS status,
       (u.id + k) % 5 AS tokens,
       u.created + interval '1 hour' * k + interval '1 millisecond' * ((u.id * k) % 1000)
         AS created
FROM gen_user u, generate_series(1, {SESSIONS_PER_USER}) AS k
WHERE u.id % 11 <> 0;

-- One rotation chain per session: token j of n, one hour apart.
CREATE TEMP TABLE gen_token ON COMMIT DROP AS
SELECT s.id AS session_id, s.status AS session_status, s.user_id, s.k, j, s.tokens AS n,
       {uuid_sql("'token:' || s.user_id || ':' || s.k || ':' || j")} AS id,
       {uuid_sql("'jti:' || s.user_id || ':' || s.k || ':' || j")} AS jti,
       encode(sha256(convert_to('token:' || s.user_id || ':' || s.k || ':' || j, 'UTF8')),
              'hex') AS hash,
       s.created + interval '1 hour' * (j - 1) + interval '1 millisecond' * j AS created
FROM gen_session s, generate_series(1, 4) AS j
WHERE j <= s.tokens;

INSERT INTO "Session" (id, "userId", status, "createdAt", "updatedAt", "lastSeenAt",
                       "userAgent", "ipAddress", "revokedAt", "revokeReason", "compromisedAt")
SELECT s.id, s.user_id, s.status::"SessionStatus", s.created, ended, seen,
       CASE s.s % 6 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'Mozilla/5.0 (X11; Linux x86_64)'
         WHEN 3 THEN 'curl/8.4.0' WHEN 4 THEN 'app/2.1 (iPhone; iOS 17.1) ☃ “smart” quotes'
         ELSE 'kat/1.0' END,
       CASE s.s % 5 WHEN 0 THEN NULL WHEN 1 THEN '::ffff:10.' || s.user_id % 256 || '.0.' || s.k
         WHEN 2 THEN '2001:db8::' || to_hex(s.s) WHEN 3 THEN '127.0.0.1' ELSE '' END,
       CASE s.status WHEN 'REVOKED' THEN ended END,
       CASE s.status WHEN 'REVOKED' THEN (ARRAY['USER_REVOKED_CURRENT_SESSION',
         'USER_REVOKED_SESSION', 'USER_REVOKED_ALL_SESSIONS'])[1 + s.s % 3] END,
       CASE s.status WHEN 'COMPROMISED' THEN ended END
FROM gen_session s,
     LATERAL (SELECT CASE WHEN s.s % 4 = 0 THEN NULL
                          ELSE s.created + interval '1 hour' * greatest(s.tokens - 1, 0) END
                AS seen,
                     s.created + interval '1 hour' * greatest(s.tokens - 1, 0)
                       + interval '1 minute' + interval '1 millisecond' * (s.s % 1000) AS ended) e;

-- Statuses by place in the chain: every token but the last is USED (rotated), except that of a
-- COMPROMISED session the one before the last was replayed (REUSED), or the only one was.
INSERT INTO "RefreshToken" (id, "expiresAt", "createdAt", jti, "tokenHash", "sessionId", status,
                            "usedAt", "revokedAt", "parentTokenId", "replacedByTokenId")
SELECT t.id, t.created + interval '7 days', t.created, t.jti, t.hash, t.session_id,
       st::"RefreshTokenStatus",
       CASE WHEN t.j < t.n THEN t.created + interval '1 hour' END,
       CASE WHEN st IN ('REVOKED', 'REUSED')
            THEN t.created + interval '1 hour' * (t.n - t.j) + interval '1 minute' END,
       CASE WHEN t.j > 1
            THEN {uuid_sql("'token:' || t.user_id || ':' || t.k || ':' || (t.j - 1)")} END,
       CASE WHEN t.j < t.n
            THEN {uuid_sql("'token:' || t.user_id || ':' || t.k || ':' || (t.j + 1)")} END
FROM gen_token t,
     LATERAL (SELECT CASE
       WHEN t.session_status = 'COMPROMISED' AND (t.j = t.n - 1 OR t.n = 1) THEN 'REUSED'
       WHEN t.j < t.n THEN 'USED'
       WHEN t.session_status = 'ACTIVE' THEN 'ACTIVE'
       ELSE 'REVOKED' END) AS x(st);
COMMIT;
"""


def known_answer_sql():
    """The rows behind tests/data/original-tokens.json: user 2890, its ACTIVE session, and the
    refresh token's row (its jti, its stored hash, expiresAt = its `exp`)."""
    user, session = KAT["user"], KAT["session"]
    user_created = iso_ms(user["createdAt"])
    session_created = iso_ms(session["createdAt"])
    return f"""
INSERT INTO "User" (id, name, email, "passwordHash", "createdAt", "updatedAt")
VALUES ({user["id"]}, '{user["name"]}', '{user["email"]}', '{BCRYPT_HASH}',
        {ts_sql(user_created)}, {ts_sql(user_created)});
INSERT INTO "Session" (id, "userId", status, "createdAt", "updatedAt", "lastSeenAt", "userAgent",
                       "ipAddress")
VALUES ('{session["sessionId"]}', {user["id"]}, 'ACTIVE', {ts_sql(session_created)},
        {ts_sql(session_created)}, {ts_sql(iso_ms(session["lastSeenAt"]))},
        '{session["userAgent"]}', '{session["ipAddress"]}');
INSERT INTO "RefreshToken" (id, "expiresAt", "createdAt", jti, "tokenHash", "sessionId", status)
VALUES ('{KAT_TOKEN_ID}', {ts_sql(KAT_REFRESH["exp"] * 1000)}, {ts_sql(session_created)},
        '{KAT_REFRESH["jti"]}', '{KAT["refreshTokenStoredHash"]}', '{session["sessionId"]}',
        'ACTIVE');
"""


def hostile_sql():
    """Rows the importer must survive: links to tokens that do not exist (stored as NULL), an
    empty user agent beside NULLs, times at the edges of the millisecond and of the calendar,
    quotes, a newline and emoji in a name."""
    return f"""
INSERT INTO "User" (id, name, email, "passwordHash", "createdAt", "updatedAt")
VALUES ({HOSTILE_USER_ID}, E'O''Hara "the | pipe"\\nsecond line 🔐', 'hostile@example.test',
        '{BCRYPT_HASH}', timestamp '2001-01-01 00:00:00.001', timestamp '2099-12-31 23:59:59.999');
INSERT INTO "Session" (id, "userId", status, "createdAt", "updatedAt", "lastSeenAt", "userAgent",
                       "ipAddress")
VALUES ('{HOSTILE_SESSION_ID}', {HOSTILE_USER_ID}, 'ACTIVE', timestamp '2026-02-28 23:59:59.999',
        timestamp '2026-03-01 00:00:00.000', NULL, '', NULL);
INSERT INTO "RefreshToken" (id, "expiresAt", "createdAt", jti, "tokenHash", "sessionId", status,
                            "usedAt", "parentTokenId", "replacedByTokenId")
VALUES ('5e55d0e1-0000-4000-8000-00000000b001', timestamp '2100-01-01 00:00:00.001',
        timestamp '2026-02-28 23:59:59.999', '5e55d0e1-0000-4000-8000-00000000c001',
        '{"a" * 64}', '{HOSTILE_SESSION_ID}', 'USED', timestamp '2026-03-01 00:00:00.000',
        '{DANGLING_PARENT_TOKEN_ID}', '{DANGLING_NEXT_TOKEN_ID}'),
       ('5e55d0e1-0000-4000-8000-00000000b002', timestamp '2100-01-01 00:00:00.999',
        timestamp '2026-03-01 00:00:00.000', '5e55d0e1-0000-4000-8000-00000000c002',
        '{"b" * 64}', '{HOSTILE_SESSION_ID}', 'ACTIVE', NULL,
        '{DANGLING_PARENT_TOKEN_ID}', NULL);
"""


# A small source of rows libauthkit cannot hold (docs/compatibility.md#import-refused-rows): a
# free-text revoke reason, token hashes that are not 64 lowercase hex digits; beside rows it can.
# The refused ones, by kind.
UNHOLDABLE_REFUSED = {
    "session": {"0badc0de-0000-4000-8000-00000000a002"},
    "token": {"0badc0de-0000-4000-8000-00000000b201", "0badc0de-0000-4000-8000-00000000b301",
              "0badc0de-0000-4000-8000-00000000b303"},
}
UNHOLDABLE_SQL = f"""
INSERT INTO "User" (id, name, email, "passwordHash", "createdAt", "updatedAt") VALUES
  (1, 'Fine', 'fine@example.test', '{BCRYPT_HASH}', timestamp '2026-05-01 10:00:00.001',
   timestamp '2026-05-01 10:00:00.001'),
  (2, 'Free Reason', 'reason@example.test', '{BCRYPT_HASH}', timestamp '2026-05-01 10:00:00.002',
   timestamp '2026-05-01 10:00:00.002'),
  (3, 'Odd Hashes', 'hashes@example.test', '{BCRYPT_HASH}', timestamp '2026-05-01 10:00:00.003',
   timestamp '2026-05-01 10:00:00.003');
INSERT INTO "Session" (id, "userId", status, "createdAt", "updatedAt", "revokedAt",
                       "revokeReason") VALUES
  ('0badc0de-0000-4000-8000-00000000a001', 1, 'ACTIVE', timestamp '2026-05-02 10:00:00.001',
   timestamp '2026-05-02 10:00:00.001', NULL, NULL),
  ('0badc0de-0000-4000-8000-00000000a002', 2, 'REVOKED', timestamp '2026-05-02 10:00:00.002',
   timestamp '2026-05-02 11:00:00.002', timestamp '2026-05-02 11:00:00.002', 'ADMIN_REVOKED'),
  ('0badc0de-0000-4000-8000-00000000a003', 3, 'ACTIVE', timestamp '2026-05-02 10:00:00.003',
   timestamp '2026-05-02 10:00:00.003', NULL, NULL);
INSERT INTO "RefreshToken" (id, "expiresAt", "createdAt", jti, "tokenHash", "sessionId", status,
                            "usedAt", "revokedAt", "parentTokenId", "replacedByTokenId") VALUES
  ('0badc0de-0000-4000-8000-00000000b101', timestamp '2026-05-09 10:00:00.001',
   timestamp '2026-05-02 10:00:00.001', '0badc0de-0000-4000-8000-00000000c101', '{"1" * 64}',
   '0badc0de-0000-4000-8000-00000000a001', 'USED', timestamp '2026-05-02 11:00:00.001', NULL,
   NULL, '0badc0de-0000-4000-8000-00000000b102'),
  ('0badc0de-0000-4000-8000-00000000b102', timestamp '2026-05-09 11:00:00.001',
   timestamp '2026-05-02 11:00:00.001', '0badc0de-0000-4000-8000-00000000c102', '{"2" * 64}',
   '0badc0de-0000-4000-8000-00000000a001', 'ACTIVE', NULL, NULL,
   '0badc0de-0000-4000-8000-00000000b101', NULL),
  ('0badc0de-0000-4000-8000-00000000b201', timestamp '2026-05-09 10:00:00.002',
   timestamp '2026-05-02 10:00:00.002', '0badc0de-0000-4000-8000-00000000c201', '{"3" * 64}',
   '0badc0de-0000-4000-8000-00000000a002', 'REVOKED', NULL, timestamp '2026-05-02 11:00:00.002',
   NULL, NULL),
  ('0badc0de-0000-4000-8000-00000000b301', timestamp '2026-05-09 10:00:00.003',
   timestamp '2026-05-02 10:00:00.003', '0badc0de-0000-4000-8000-00000000c301', '{"ABCDEF12" * 8}',
   '0badc0de-0000-4000-8000-00000000a003', 'USED', timestamp '2026-05-02 11:00:00.003', NULL,
   NULL, '0badc0de-0000-4000-8000-00000000b302'),
  ('0badc0de-0000-4000-8000-00000000b302', timestamp '2026-05-09 11:00:00.003',
   timestamp '2026-05-02 11:00:00.003', '0badc0de-0000-4000-8000-00000000c302', '{"4" * 64}',
   '0badc0de-0000-4000-8000-00000000a003', 'ACTIVE', NULL, NULL,
   '0badc0de-0000-4000-8000-00000000b301', NULL),
  ('0badc0de-0000-4000-8000-00000000b303', timestamp '2026-05-09 10:00:00.003',
   timestamp '2026-05-02 09:00:00.003', '0badc0de-0000-4000-8000-00000000c303', '{"5" * 63}',
   '0badc0de-0000-4000-8000-00000000a003', 'REVOKED', NULL, timestamp '2026-05-02 09:30:00.003',
   NULL, NULL);
"""


def generate_unholdable(url):
    """Creates the original's schema in the empty database `url` with the UNHOLDABLE_SQL rows."""
    with open(SCHEMA_SQL, encoding="utf-8") as f:
        psql(url, f.read() + UNHOLDABLE_SQL)


def generate(url):
    """Creates the original's schema in the empty database `url` and fills it."""
    with open(SCHEMA_SQL, encoding="utf-8") as f:
        schema = f.read()
    psql(url, schema + GENERATE_SQL + known_answer_sql() + hostile_sql(), timeout=300)
    # The original's "User".id is SERIAL: the sequence stands past every id, as in a database the
    # original kept serving.
    psql(url, """SELECT setval(pg_get_serial_sequence('"User"', 'id'), max(id)) FROM "User";""")


def sign(claims, secret):
    """A token as the original signs it: HS256, the claims in its order
    (sid, typ, iat, exp, aud, iss, sub, jti)."""
    return jwt.encode(claims, secret, algorithm="HS256")


def token_hash(token):
    """How the original stores a refresh token: the SHA-256 hex of its text."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_live_session(url, user_id, now_s):
    """A session of `user_id` that a server can still serve at `now_s` (Unix seconds): created an
    hour ago, rotated once half an hour ago. Its two refresh tokens are signed here with the
    known-answer file's refresh secret (SQL cannot sign): the first USED, the second ACTIVE.
    Returns {"session_id", "used_token", "active_token"}."""
    config = KAT["config"]
    session_id = str(uuid.uuid4())
    rows = []
    for iat in (now_s - 3600, now_s - 1800):
        jti = str(uuid.uuid4())
        claims = {"sid": session_id, "typ": "refresh", "iat": iat, "exp": iat + 7 * 86400,
                  "aud": config["JWT_AUDIENCE"], "iss": config["JWT_ISSUER"],
                  "sub": str(user_id), "jti": jti}
        rows.append({"id": str(uuid.uuid4()), "jti": jti, "iat": iat,
                     "token": sign(claims, config["REFRESH_TOKEN_SECRET"])})
    first, second = rows
    created_ms = first["iat"] * 1000
    rotated_ms = second["iat"] * 1000
    psql(url, f"""
BEGIN;
INSERT INTO "Session" (id, "userId", status, "createdAt", "updatedAt", "lastSeenAt", "userAgent",
                       "ipAddress")
VALUES ('{session_id}', {user_id}, 'ACTIVE', {ts_sql(created_ms)}, {ts_sql(rotated_ms)},
        {ts_sql(rotated_ms)}, 'live/1.0', '127.0.0.1');
INSERT INTO "RefreshToken" (id, "expiresAt", "createdAt", jti, "tokenHash", "sessionId", status,
                            "usedAt", "parentTokenId", "replacedByTokenId")
VALUES ('{first["id"]}', {ts_sql(created_ms + 7 * 86400 * 1000)}, {ts_sql(created_ms)},
        '{first["jti"]}', '{token_hash(first["token"])}', '{session_id}', 'USED',
        {ts_sql(rotated_ms)}, NULL, '{second["id"]}'),
       ('{second["id"]}', {ts_sql(rotated_ms + 7 * 86400 * 1000)}, {ts_sql(rotated_ms)},
        '{second["jti"]}', '{token_hash(second["token"])}', '{session_id}', 'ACTIVE',
        NULL, '{first["id"]}', NULL);
COMMIT;
""")
    return {"session_id": session_id, "used_token": first["token"],
            "active_token": second["token"]}


if __name__ == "__main__":
    # Fills the empty database named by the argument: for a look at the data by hand.
    import sys
    started = time.time()
    generate(sys.argv[1])
    print(f"generated {USERS} users in {time.time() - started:.1f} s")
