"""`authkit-server import-original` against a generated database of the original service
(original_data.py), into both targets: a SQLite file and a PostgreSQL database. Each target is a
fresh one unless a test says otherwise; the source is generated once for the module.

Needs AUTHKIT_SERVER_BIN, AUTHKIT_TEST_POSTGRES_URL (scripts/with-services.sh) and, for the
known-answer check, AUTHKIT_IMPORT_KAT_BIN (known_answer_import_test, set by CMake)."""
import json
import math
import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import types

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
# The e2e suite's server fixtures: a server on a free port, a clean environment.
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from conftest import Server, base_env, free_port  # noqa: E402

import original_data as od  # noqa: E402

SERVER_BIN = os.environ.get("AUTHKIT_SERVER_BIN", "")
KAT_BIN = os.environ.get("AUTHKIT_IMPORT_KAT_BIN", "")
PG_URL = os.environ.get("AUTHKIT_TEST_POSTGRES_URL", "")

if not SERVER_BIN or not os.access(SERVER_BIN, os.X_OK):
    raise pytest.UsageError("AUTHKIT_SERVER_BIN must name the authkit-server binary")
if not PG_URL:
    raise pytest.UsageError("AUTHKIT_TEST_POSTGRES_URL must name a PostgreSQL database "
                            "(run through scripts/with-services.sh)")

if od.USERS < 200:
    raise pytest.UsageError("AUTHKIT_IMPORT_USERS must be at least 200: the interrupted run "
                            "needs many small batches, the conflicts users 17 and 34")

# The generated users the HTTP checks use: one logs in with the known password, one has a live
# session whose refresh tokens were signed here.
LOGIN_USER = 5
LIVE_USER = 8
NEW_PASSWORD = "import-pass-123"

PROGRESS_LINE = re.compile(r"^import-original: batch (\d+): users (\d+)/(\d+) \((\d+)%\)$")
DONE_LINE = re.compile(r"^import-original: done in \d+(?:\.\d+)? s: (\d+) rows read, "
                       r"(\d+) rows/s$", re.M)
TALLY_LINE = re.compile(r"^(users|sessions|tokens): copied=(\d+) skipped=(\d+) refused=(\d+)$",
                        re.M)
REFUSED_LINE = re.compile(r"^refused (user|session|token) (\S+): (.+)$", re.M)


# --- the source, the targets and the command --------------------------------------------------

def ms(column):
    """SQL for a timestamp column as milliseconds since the epoch (a timestamp without time zone
    counts as UTC; extract gives an exact numeric)."""
    return f"(extract(epoch FROM {column}) * 1000)::bigint"


def exists(column):
    """SQL: `column` when it names a token of the source, else NULL (as the import stores it)."""
    return (f'CASE WHEN EXISTS (SELECT 1 FROM "RefreshToken" o WHERE o.id = t.{column}) '
            f'THEN t.{column} END')


# The source's rows as the target must hold them, column for column, times in ms.
SOURCE_ROWS = {
    "users": f"""SELECT json_build_array(id, name, email, "passwordHash", {ms('"createdAt"')},
                   {ms('"updatedAt"')}) FROM "User" """,
    "sessions": f"""SELECT json_build_array(id, "userId", status::text, {ms('"createdAt"')},
                      {ms('"updatedAt"')}, {ms('"lastSeenAt"')}, "userAgent", "ipAddress",
                      {ms('"revokedAt"')}, "revokeReason", {ms('"compromisedAt"')},
                      NULL, NULL, NULL) FROM "Session" """,
    "tokens": f"""SELECT json_build_array(id, "sessionId", jti, "tokenHash", status::text,
                    {ms('"createdAt"')}, {ms('"expiresAt"')}, {ms('"usedAt"')},
                    {ms('"revokedAt"')}, {exists('"parentTokenId"')},
                    {exists('"replacedByTokenId"')}) FROM "RefreshToken" t""",
}

# The same columns of the target (times: timestamptz in PostgreSQL, INTEGER ms in SQLite). Three
# columns the original does not have close a session's row, NULL after the import: the device it
# was created from and its absolute end.
TARGET_COLUMNS = {
    "users": ("users", "id, name, email, password_hash, {created_at}, {updated_at}"),
    "sessions": ("sessions", "id, user_id, status, {created_at}, {updated_at}, {last_seen_at}, "
                             "user_agent, ip_address, {revoked_at}, revoke_reason, "
                             "{compromised_at}, created_user_agent, created_ip_address, "
                             "{expires_at}"),
    "tokens": ("refresh_tokens", "id, session_id, jti, token_hash, status, {created_at}, "
                                 "{expires_at}, {used_at}, {revoked_at}, parent_token_id, "
                                 "replaced_by_token_id"),
}
TIME_COLUMNS = ("created_at", "updated_at", "last_seen_at", "revoked_at", "compromised_at",
                "expires_at", "used_at")


def source_rows(url):
    return {table: sorted_rows(json.loads(line) for line in od.psql(url, sql))
            for table, sql in SOURCE_ROWS.items()}


def sorted_rows(rows):
    return sorted((tuple(r) for r in rows), key=lambda r: str(r[0]))


def target_rows(url):
    """{table: rows} of the target at `url`, in the shape of source_rows."""
    out = {}
    for name, (table, columns) in TARGET_COLUMNS.items():
        if url.startswith("sqlite://"):
            cols = columns.format(**{c: c for c in TIME_COLUMNS})
            with sqlite3.connect(url[len("sqlite://"):]) as db:
                out[name] = sorted_rows(db.execute(f"SELECT {cols} FROM {table}").fetchall())
        else:
            cols = columns.format(**{c: ms(c) for c in TIME_COLUMNS})
            lines = od.psql(url, f"SELECT json_build_array({cols}) FROM {table}")
            out[name] = sorted_rows(json.loads(line) for line in lines)
    return out


def target_value(url, sql):
    """The one value of `sql` (the same SQL on both targets) on the target at `url`."""
    if url.startswith("sqlite://"):
        with sqlite3.connect(url[len("sqlite://"):]) as db:
            return db.execute(sql).fetchone()[0]
    value = od.psql(url, sql)[0]
    return int(value) if re.fullmatch(r"-?\d+", value) else value


def target_execute(url, sql):
    if url.startswith("sqlite://"):
        with sqlite3.connect(url[len("sqlite://"):]) as db:
            db.executescript(sql)
    else:
        od.psql(url, sql)


def assert_same_rows(expected, actual):
    """Every table equal, row for row; on a difference, the first few rows that differ in each
    table."""
    problems = []
    for table in expected:
        want = {r[0]: r for r in expected[table]}
        got = {r[0]: r for r in actual[table]}
        missing = sorted(set(want) - set(got), key=str)
        extra = sorted(set(got) - set(want), key=str)
        differ = [(want[k], got[k]) for k in sorted(set(want) & set(got), key=str)
                  if want[k] != got[k]]
        if missing or extra or differ:
            problems.append(
                f"{table}: {len(missing)} missing (e.g. {missing[:3]}), {len(extra)} extra "
                f"(e.g. {extra[:3]}), {len(differ)} differ; first (expected, actual): "
                f"{differ[:3]}")
    assert not problems, "\n".join(problems)


def without(rows, refused):
    """`rows` (as source_rows gives them) less the `refused` ones ({"user": ids, "session": ids,
    "token": ids}), with every lineage link to a token not kept stored as NULL."""
    kept_tokens = {t[0] for t in rows["tokens"]} - set(refused.get("token", ()))
    return {
        "users": [r for r in rows["users"] if r[0] not in refused.get("user", ())],
        "sessions": [r for r in rows["sessions"] if r[0] not in refused.get("session", ())],
        "tokens": [r[:9] + tuple(x if x in kept_tokens else None for x in r[9:])
                   for r in rows["tokens"] if r[0] in kept_tokens],
    }


def import_env(target_url):
    """The environment of a server on the target: the known-answer file's configuration (its
    secrets, issuer and audience), cheap Argon2id for the rehash."""
    return base_env(DATABASE_URL=target_url, **od.KAT["config"])


def run_import(target_url, *args, timeout=300):
    with tempfile.TemporaryDirectory() as cwd:
        return subprocess.run([SERVER_BIN, "import-original", *args], env=import_env(target_url),
                              cwd=cwd, capture_output=True, text=True, timeout=timeout)


def summary(done):
    """The summary of a finished import: {"read": n, "users": (copied, skipped, refused), ...,
    "refused": [(kind, id, reason)]}."""
    head = DONE_LINE.search(done.stdout)
    assert head, f"no summary line in stdout: {done.stdout!r}, stderr: {done.stderr!r}"
    out = {"read": int(head.group(1))}
    for kind, copied, skipped, refused in TALLY_LINE.findall(done.stdout):
        out[kind] = (int(copied), int(skipped), int(refused))
    assert set(out) == {"read", "users", "sessions", "tokens"}, done.stdout
    out["refused"] = REFUSED_LINE.findall(done.stdout)
    return out


def progress_lines(stderr):
    return [PROGRESS_LINE.match(line) for line in stderr.splitlines()
            if PROGRESS_LINE.match(line)]


class Source(types.SimpleNamespace):
    # Shown in failure reports: the URL only, not the rows nor the signed tokens.
    def __repr__(self):
        return f"Source({self.url})"


@pytest.fixture(scope="module")
def source():
    """The generated source, with two live sessions' tokens signed here, and its rows."""
    name, url = od.create_database(PG_URL, "import_src")
    started = time.time()
    od.generate(url)
    live = od.add_live_session(url, LIVE_USER, int(time.time()))
    rows = source_rows(url)
    print(f"\n[figures] source: {len(rows['users'])} users, {len(rows['sessions'])} sessions, "
          f"{len(rows['tokens'])} tokens generated in {time.time() - started:.1f} s", flush=True)
    yield Source(url=url, live=live, rows=rows, counts={k: len(v) for k, v in rows.items()})
    od.drop_database(PG_URL, name)


class Targets:
    """Fresh, empty targets: SQLite files in a directory of the module's, PostgreSQL databases
    on the test server (dropped at the end)."""

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="authkit-import-")
        self.databases = []
        self.made = 0

    def new(self, kind):
        self.made += 1
        if kind == "sqlite":
            return f"sqlite://{self.dir.name}/target-{self.made}.db"
        name, url = od.create_database(PG_URL, "import_dst")
        self.databases.append(name)
        return url

    def close(self):
        for name in self.databases:
            od.drop_database(PG_URL, name)
        self.dir.cleanup()


@pytest.fixture(scope="module")
def targets():
    t = Targets()
    yield t
    t.close()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def kind(request):
    return request.param


@pytest.fixture(scope="module")
def pristine(kind, source, targets):
    """One import into a fresh target (progress as lines), then a second run of the same
    command; the target's rows after each."""
    url = targets.new(kind)
    started = time.time()
    first = run_import(url, "--from", source.url, "--progress", "lines")
    took = time.time() - started
    rows_first = target_rows(url)
    second = run_import(url, "--from", source.url, "--progress", "never")
    print(f"\n[figures] import into {kind}: {sum(source.counts.values())} rows in {took:.1f} s",
          flush=True)
    return types.SimpleNamespace(url=url, first=first, second=second, rows_first=rows_first,
                                 rows_second=target_rows(url))


def fresh_import(kind, source, targets):
    """A fresh target with the source imported, with the default progress (auto: nothing, as
    stderr is not a terminal here)."""
    url = targets.new(kind)
    done = run_import(url, "--from", source.url)
    assert done.returncode == 0, done.stderr
    assert progress_lines(done.stderr) == [] and "\r" not in done.stderr
    return url


# --- one import, and a second run -------------------------------------------------------------

def test_summary_counts_equal_the_source(pristine, source):
    assert pristine.first.returncode == 0, pristine.first.stderr
    s = summary(pristine.first)
    c = source.counts
    assert s["users"] == (c["users"], 0, 0)
    assert s["sessions"] == (c["sessions"], 0, 0)
    assert s["tokens"] == (c["tokens"], 0, 0)
    assert s["read"] == c["users"] + c["sessions"] + c["tokens"]
    assert s["refused"] == []


def test_every_column_of_every_row_is_copied(pristine, source):
    assert_same_rows(source.rows, pristine.rows_first)


def test_the_dangling_lineage_links_are_stored_as_null(pristine):
    # Also part of the row comparison above; named here so that a failure says what it is.
    url = pristine.url
    dangling = f"('{od.DANGLING_PARENT_TOKEN_ID}', '{od.DANGLING_NEXT_TOKEN_ID}')"
    assert target_value(url, "SELECT count(*) FROM refresh_tokens WHERE parent_token_id IN "
                             f"{dangling} OR replaced_by_token_id IN {dangling}") == 0
    assert target_value(url, "SELECT count(*) FROM refresh_tokens WHERE session_id = "
                             f"'{od.HOSTILE_SESSION_ID}'") == 2


def test_progress_lines_count_the_committed_batches(pristine, source):
    lines = progress_lines(pristine.first.stderr)
    users = source.counts["users"]
    batches = math.ceil(users / 500)
    assert [int(m.group(1)) for m in lines] == list(range(1, batches + 1)), pristine.first.stderr
    assert all(int(m.group(3)) == users for m in lines)
    done = [int(m.group(2)) for m in lines]
    assert done == sorted(done) and done[-1] == users
    assert lines[-1].group(4) == "100"


def test_a_second_run_copies_nothing_and_changes_nothing(pristine, source):
    assert pristine.second.returncode == 0, pristine.second.stderr
    s = summary(pristine.second)
    c = source.counts
    assert s["users"] == (0, c["users"], 0)
    assert s["sessions"] == (0, c["sessions"], 0)
    assert s["tokens"] == (0, c["tokens"], 0)
    assert s["refused"] == []
    assert progress_lines(pristine.second.stderr) == []  # --progress never
    assert_same_rows(pristine.rows_first, pristine.rows_second)


def test_no_hash_or_password_in_the_output(pristine, source):
    # The assertions name what leaked, never the value.
    token_hashes = {r[3] for r in source.rows["tokens"]}
    for done in (pristine.first, pristine.second):
        text = done.stdout + done.stderr
        assert "$2b$" not in text, "a bcrypt hash in the output"
        assert od.PASSWORD not in text, "the password in the output"
        leaked = len(token_hashes & set(re.findall(r"[0-9a-f]{64}", text)))
        assert leaked == 0, f"{leaked} token hashes in the output"


# --- interrupted, then resumed ----------------------------------------------------------------

# Batches small enough that a run killed after its 2nd batch still had ~100 to go.
SMALL_BATCH = 20


def test_a_run_killed_midway_resumes_to_the_same_target(kind, pristine, source, targets):
    url = targets.new(kind)
    with tempfile.TemporaryDirectory() as cwd:
        proc = subprocess.Popen([SERVER_BIN, "import-original", "--from", source.url,
                                 "--batch-size", str(SMALL_BATCH), "--progress", "lines"],
                                env=import_env(url), cwd=cwd, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr] + [
            lines.put(None)], daemon=True).start()
        seen = []
        deadline = time.time() + 120
        try:
            while len(seen) < 2:
                line = lines.get(timeout=max(deadline - time.time(), 0.1))
                assert line is not None, f"the import ended before its 2nd batch: {proc.wait()}"
                match = PROGRESS_LINE.match(line.rstrip("\n"))
                if match:
                    seen.append(match)
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert [(int(m.group(1)), int(m.group(2))) for m in seen] == [(1, SMALL_BATCH),
                                                                   (2, 2 * SMALL_BATCH)]
    # Each batch is one transaction: whole batches of users, with all their sessions and tokens.
    kept = {table: len(rows) for table, rows in target_rows(url).items()}
    assert 2 * SMALL_BATCH <= kept["users"] < source.counts["users"], kept
    assert kept["users"] % SMALL_BATCH == 0, kept
    kept_users = {r[0] for r in target_rows(url)["users"]}
    kept_sessions = {r[0] for r in source.rows["sessions"] if r[1] in kept_users}
    assert kept["sessions"] == len(kept_sessions)
    assert kept["tokens"] == sum(1 for r in source.rows["tokens"] if r[1] in kept_sessions)

    resumed = run_import(url, "--from", source.url, "--batch-size", str(SMALL_BATCH),
                         "--progress", "never")
    assert resumed.returncode == 0, resumed.stderr
    s = summary(resumed)
    for table in ("users", "sessions", "tokens"):
        assert s[table] == (source.counts[table] - kept[table], kept[table], 0), table
    assert_same_rows(pristine.rows_first, target_rows(url))


# --- rows the target already holds --------------------------------------------------------------

SQUATTER_ID = 900001  # holds the e-mail of source user EMAIL_TAKEN_USER
OWNER_ID = 900002  # holds a token with the jti of a source token
EMAIL_TAKEN_USER = 17
ID_TAKEN_USER = 34  # the target holds another user under this id
OWNER_SESSION = "c0ffee00-0000-4000-8000-000000000001"
OWNER_TOKEN = "c0ffee00-0000-4000-8000-000000000011"
PLANTED_MS = 1_780_000_000_123


def plant(url, kind, stolen):
    """Rows of the target's own, before the import: they must stay as they are."""
    migrated = subprocess.run([SERVER_BIN, "migrate"], env=import_env(url), capture_output=True,
                              text=True, timeout=60, cwd=tempfile.gettempdir())
    assert migrated.returncode == 0, migrated.stderr
    t = str(PLANTED_MS) if kind == "sqlite" else f"to_timestamp({PLANTED_MS} / 1000.0)"
    later = (str(PLANTED_MS + 86400000) if kind == "sqlite"
             else f"to_timestamp({PLANTED_MS + 86400000} / 1000.0)")
    target_execute(url, f"""
INSERT INTO users (id, name, email, password_hash, created_at, updated_at) VALUES
  ({SQUATTER_ID}, 'Squatter', 'user.{EMAIL_TAKEN_USER}@example.test', 'x', {t}, {t}),
  ({OWNER_ID}, 'Owner', 'owner@example.test', 'x', {t}, {t}),
  ({ID_TAKEN_USER}, 'Someone Else', 'someone.else@example.test', 'x', {t}, {t});
INSERT INTO sessions (id, user_id, status, created_at, updated_at)
  VALUES ('{OWNER_SESSION}', {OWNER_ID}, 'ACTIVE', {t}, {t});
INSERT INTO refresh_tokens (id, session_id, jti, token_hash, status, created_at, expires_at)
  VALUES ('{OWNER_TOKEN}', '{OWNER_SESSION}', '{stolen[2]}', '{"c" * 64}', 'ACTIVE', {t},
          {later});
""")
    return {
        "users": [(SQUATTER_ID, "Squatter", f"user.{EMAIL_TAKEN_USER}@example.test", "x",
                   PLANTED_MS, PLANTED_MS),
                  (OWNER_ID, "Owner", "owner@example.test", "x", PLANTED_MS, PLANTED_MS),
                  (ID_TAKEN_USER, "Someone Else", "someone.else@example.test", "x", PLANTED_MS,
                   PLANTED_MS)],
        "sessions": [(OWNER_SESSION, OWNER_ID, "ACTIVE", PLANTED_MS, PLANTED_MS, None, None,
                      None, None, None, None, None, None, None)],
        "tokens": [(OWNER_TOKEN, OWNER_SESSION, stolen[2], "c" * 64, "ACTIVE", PLANTED_MS,
                    PLANTED_MS + 86400000, None, None, None, None)],
    }


def test_conflicting_rows_are_refused_and_the_rest_copied(kind, source, targets):
    rows = source.rows
    users_sessions = {s[0] for s in rows["sessions"] if s[1] in (EMAIL_TAKEN_USER, ID_TAKEN_USER)}
    # A token in the middle of a chain of another user: its parent and child link to it.
    stolen = next(t for t in rows["tokens"] if t[9] and t[10] and t[1] not in users_sessions)
    refused = {
        "user": {EMAIL_TAKEN_USER, ID_TAKEN_USER},
        "session": users_sessions,
        "token": {t[0] for t in rows["tokens"] if t[1] in users_sessions} | {stolen[0]},
    }
    assert refused["session"] and len(refused["token"]) > 1  # the generator gave them rows

    url = targets.new(kind)
    planted = plant(url, kind, stolen)
    done = run_import(url, "--from", source.url)
    assert done.returncode == 3, (done.stdout, done.stderr)
    s = summary(done)
    c = source.counts
    assert s["users"] == (c["users"] - 2, 0, 2)
    assert s["sessions"] == (c["sessions"] - len(refused["session"]), 0, len(refused["session"]))
    assert s["tokens"] == (c["tokens"] - len(refused["token"]), 0, len(refused["token"]))
    assert {(k, i) for k, i, _ in s["refused"]} == {
        (k, str(i)) for k, ids in refused.items() for i in ids}
    reasons = {(k, i): r for k, i, r in s["refused"]}
    # The reasons as docs/migrating-from-the-original.md#exit-codes shows them.
    assert reasons[("user", str(EMAIL_TAKEN_USER))] == (
        f"its email already belongs to user {SQUATTER_ID}")
    assert reasons[("user", str(ID_TAKEN_USER))].startswith(
        "the store holds this id with another ")
    assert reasons[("token", stolen[0])] == f"its jti already belongs to token {OWNER_TOKEN}"
    for session in refused["session"]:
        owner = next(r[1] for r in rows["sessions"] if r[0] == session)
        assert reasons[("session", session)] == f"its user {owner} was refused"

    # The target: its own rows untouched, the source's but the refused ones, and no link to a
    # refused token (the stolen token's parent and child lose theirs).
    expected = without(rows, refused)
    expected = {k: sorted_rows(v + planted[k]) for k, v in expected.items()}
    after = target_rows(url)
    assert_same_rows(expected, after)

    # Run again: the same refusals, nothing copied, nothing changed.
    again = run_import(url, "--from", source.url)
    assert again.returncode == 3, (again.stdout, again.stderr)
    s2 = summary(again)
    for table in ("users", "sessions", "tokens"):
        assert s2[table] == (0, s[table][0], s[table][2])
    assert sorted(s2["refused"]) == sorted(s["refused"])
    assert_same_rows(after, target_rows(url))


@pytest.mark.parametrize("target_kind", ["sqlite", "postgres"])
def test_rows_libauthkit_cannot_hold_are_refused(target_kind, targets):
    """A free-text revoke reason and token hashes that are not 64 lowercase hex digits
    (docs/compatibility.md#import-refused-rows), from a small source of their own."""
    name, source_url = od.create_database(PG_URL, "import_bad")
    try:
        od.generate_unholdable(source_url)
        rows = source_rows(source_url)
        url = targets.new(target_kind)
        done = run_import(url, "--from", source_url)
        assert done.returncode == 3, (done.stdout, done.stderr)
        s = summary(done)
        refused = od.UNHOLDABLE_REFUSED
        assert s["users"] == (3, 0, 0)
        assert s["sessions"] == (2, 0, 1)
        assert s["tokens"] == (3, 0, 3)
        assert {(k, i) for k, i, _ in s["refused"]} == {
            (k, i) for k, ids in refused.items() for i in ids}
        expected = {k: sorted_rows(v) for k, v in without(rows, refused).items()}
        assert_same_rows(expected, target_rows(url))
    finally:
        od.drop_database(PG_URL, name)


@pytest.mark.parametrize("target_kind", ["sqlite", "postgres"])
def test_hostile_ids_emails_and_forged_lines(target_kind, targets):
    """Users outside SERIAL's range, an e-mail not normalised, and a refused token whose id would
    forge a summary line and colour a terminal if printed as it is."""
    name, source_url = od.create_database(PG_URL, "import_hostile")
    try:
        with open(od.SCHEMA_SQL, encoding="utf-8") as f:
            od.psql(source_url, f.read() + f"""
INSERT INTO "User" (id, name, email, "passwordHash") VALUES
  (0, 'Zero', 'zero@example.com', '{od.BCRYPT_HASH}'),
  (-5, 'Negative', '  Mixed.Case@Example.COM ', '{od.BCRYPT_HASH}');
INSERT INTO "Session" (id, "userId") VALUES ('5e55-0', 0);
INSERT INTO "RefreshToken" (id, "expiresAt", jti, "tokenHash", "sessionId") VALUES
  (E'evil\x1b[31m\nrefused user 1: FORGED', now(), 'jti-evil', '{"X" * 64}', '5e55-0');
""")
        url = targets.new(target_kind)
        done = run_import(url, "--from", source_url)
        assert done.returncode == 3, (done.stdout, done.stderr)
        s = summary(done)
        assert s["users"] == (2, 0, 0)
        assert s["sessions"] == (1, 0, 0)
        assert s["tokens"] == (0, 0, 1)
        assert "\x1b" not in done.stdout
        assert not any(line.startswith("refused user 1") for line in done.stdout.splitlines())
        assert "evil\\x1b[31m\\x0arefused user 1: FORGED" in done.stdout
        users = {row[0]: row[2] for row in target_rows(url)["users"]}
        assert users == {0: "zero@example.com", -5: "mixed.case@example.com"}
    finally:
        od.drop_database(PG_URL, name)


# --- the imported target in service -------------------------------------------------------------

def test_known_answer_tokens_on_the_imported_target(kind, source, targets):
    """The original's own tokens (tests/data/original-tokens.json) expired days ago: the check
    runs in-process with a clock set just after they were issued (known_answer_import_test)."""
    if not KAT_BIN or not os.access(KAT_BIN, os.X_OK):
        pytest.fail("AUTHKIT_IMPORT_KAT_BIN must name known_answer_import_test")
    url = fresh_import(kind, source, targets)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AUTHKIT_IMPORT_DATABASE_URL": url}
    done = subprocess.run([KAT_BIN, "--warn", "NoTests"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_server_on_the_imported_target_serves_the_original_users(kind, source, targets):
    url = fresh_import(kind, source, targets)
    max_id = max(r[0] for r in source.rows["users"])
    server = Server(env=import_env(url))
    try:
        # The original's bcrypt hash logs in, and is replaced by an Argon2id one.
        login = server.post("/v1/auth/sessions",
                            json={"email": f"user.{LOGIN_USER}@example.test",
                                  "password": od.PASSWORD})
        assert login.status_code == 200, login.text
        assert login.json()["user"]["id"] == LOGIN_USER
        stored = target_value(url, f"SELECT password_hash FROM users WHERE id = {LOGIN_USER}")
        assert stored.startswith("$argon2id$"), f"stored hash still {stored[:7]}..."
        again = server.post("/v1/auth/sessions", json={"email": f"user.{LOGIN_USER}@example.test",
                                                       "password": od.PASSWORD})
        assert again.status_code == 200, again.text

        # A refresh token the original issued (signed with its secret) rotates.
        live = source.live
        refreshed = server.post("/v1/auth/tokens/refresh",
                                json={"refreshToken": live["active_token"]})
        assert refreshed.status_code == 200, refreshed.text
        body = refreshed.json()
        assert body["session"]["sessionId"] == live["session_id"]
        assert body["user"]["id"] == LIVE_USER
        me = server.get("/v1/auth/me",
                        headers={"Authorization": f"Bearer {body['accessToken']}"})
        assert me.status_code == 200, me.text
        assert me.json()["user"]["id"] == LIVE_USER

        # Its replay compromises the session.
        replay = server.post("/v1/auth/tokens/refresh",
                             json={"refreshToken": live["active_token"]})
        assert replay.status_code == 401, replay.text
        assert replay.json()["error"]["code"] == "REFRESH_TOKEN_REUSED"
        assert target_value(url, "SELECT status FROM sessions WHERE id = "
                                 f"'{live['session_id']}'") == "COMPROMISED"

        # The id sequence goes on past the largest imported id.
        registered = server.post("/v1/auth/register",
                                 json={"name": "After Import", "email": "after@example.test",
                                       "password": NEW_PASSWORD})
        assert registered.status_code == 201, registered.text
        assert registered.json()["user"]["id"] > max_id
    finally:
        server.close()


# --- usage and failures -----------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    [],
    ["--batch-size", "100"],
    ["--from"],
    ["--from", "{src}", "--batch-size", "0"],
    ["--from", "{src}", "--batch-size", "10001"],
    ["--from", "{src}", "--batch-size", "ten"],
    ["--from", "{src}", "--batch-size"],
    ["--from", "{src}", "--progress", "sometimes"],
    ["--from", "{src}", "--no-such-option"],
], ids=["nothing", "no-from", "from-without-url", "batch-0", "batch-10001", "batch-not-a-number",
        "batch-without-value", "bad-progress", "unknown-option"])
def test_usage_errors_exit_2(args, source, targets):
    url = targets.new("sqlite")
    done = run_import(url, *[a.replace("{src}", source.url) for a in args])
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.strip()
    assert not DONE_LINE.search(done.stdout)
    # Nothing was done: not even the target created and migrated.
    assert not os.path.exists(url[len("sqlite://"):])


@pytest.mark.parametrize("password", ["S3cret%Three", "S3cret/Four", "S3cret@Five@x", "S3cret:Six"],
                         ids=["percent", "slash", "at", "colon"])
def test_a_source_url_libpq_cannot_read_is_refused_without_its_password(password, targets):
    # Passwords with characters a URL must percent-encode: libpq's own messages quote them.
    url = targets.new("sqlite")
    source_url = f"postgresql://importer:{password}@127.0.0.1:{free_port()}/orig"
    for args in (["--from", source_url], [source_url], [f"--form={source_url}"]):
        done = run_import(url, *args, timeout=120)
        assert done.returncode in (1, 2), (args, done.stdout, done.stderr)
        assert done.stderr.strip()
        output = done.stdout + done.stderr
        for part in [password] + password.replace("@", "/").replace("%", "/").split("/"):
            assert len(part) < 6 or part not in output, (args, output)
        assert "importer:" not in output


def test_an_unreachable_source_exits_1_without_its_password(targets):
    url = targets.new("sqlite")
    secret = "Pw-never-shown-4711"
    source_url = f"postgresql://importer:{secret}@127.0.0.1:{free_port()}/orig"
    done = run_import(url, "--from", source_url, timeout=120)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stderr.strip()
    assert secret not in done.stdout + done.stderr
    assert "importer:" not in done.stdout + done.stderr  # no message shows the URL
