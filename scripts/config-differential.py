#!/usr/bin/env python3
"""Runs two authkit-server binaries (`routes`) over generated environments and compares their
exit status, stdout and stderr: a check that a configuration refactoring changed no outcome and
no message. Usage: config-differential.py OLD_BIN NEW_BIN [COUNT] [SEED]
(OLD_BIN may be "LD_LIBRARY_PATH=dir:path" to run it against another libauthkit.)"""
import os
import random
import subprocess
import sys
import tempfile

NAMES = """NODE_ENV PORT DATABASE_URL ACCESS_TOKEN_SECRET REFRESH_TOKEN_SECRET ACCESS_TOKEN_EXPIRES_IN
REFRESH_TOKEN_EXPIRES_IN JWT_ISSUER JWT_AUDIENCE REDIS_URL RATE_LIMIT_WINDOW_MS
RATE_LIMIT_MAX_REQUESTS LOG_LEVEL TRUST_PROXY DOCS_ENABLED METRICS_ENABLED METRICS_AUTH_TOKEN
BCRYPT_ROUNDS ACCESS_TOKEN_ALGORITHM ACCESS_TOKEN_PRIVATE_KEY_FILE ACCESS_TOKEN_KEY_ID
REFRESH_TOKEN_ALGORITHM REFRESH_TOKEN_KEY_ID JWT_LEEWAY_SECONDS PASSWORD_HASH_ALGORITHM
ARGON2_OPSLIMIT ARGON2_MEMLIMIT PASSWORD_HASH_CONCURRENCY PASSWORD_HASH_QUEUE_MAX
PASSWORD_HASH_QUEUE_MAX_PER_CLIENT PASSWORD_HASH_QUEUE_TIMEOUT_MS SESSION_MAX_AGE
REFRESH_REUSE_GRACE_MS AUDIT_LOG_EMAILS LOGIN_MAX_FAILURES_PER_ACCOUNT LOGIN_FAILURE_WINDOW_MS
RATE_LIMIT_IPV6_PREFIX PURGE_RETENTION HTTP_THREADS HTTP_MAX_THREADS HTTP_KEEP_ALIVE_MAX
HTTP_READ_TIMEOUT_MS HTTP_WRITE_TIMEOUT_MS HTTP_HEADERS_TIMEOUT_MS HTTP_REQUEST_TIMEOUT_MS
SHUTDOWN_TIMEOUT_MS PURGE_INTERVAL MIGRATE_ON_START DATABASE_POOL_SIZE DATABASE_READ_COALESCING
DATABASE_READ_COALESCING_PATIENCE_MS METRICS_ALLOW_UNAUTHENTICATED""".split()

NUMBERS = ["0", "1", "2", "3", "-1", "5", "8", "10", "15", "16", "100", "128", "129", "255", "256",
           "300", "1000", "1001", "4096", "4097", "600000", "600001", "60000", " 12 ", "1e3",
           "0x10", "1.5", "abc", "", " ", "Infinity", "-Infinity", "1e400", "9007199254740993",
           "-9007199254740993", "8192", "67108864", "4294967296", "0b11", "+7", "07"]
BOOLS = ["true", "false", "1", "0", "yes", "no", "on", "off", " TRUE ", "Yes", "maybe", "", "2"]
DURATIONS = ["15m", "7d", "0", "1000", "500ms", "1h", " 30d ", "15M", "1.5h", "-1s", "", "abc",
             "9007199254740992", "9007199254740991ms", "007s", "1 h", "2w"]
SECRETS = ["a" * 32, "b" * 33, "c" * 48, "d" * 64, "e" * 31, "  " + "f" * 32 + "  ",
           "-----BEGIN PUBLIC KEY-----" + "g" * 20, "é" * 32, "😀" * 16, "😀" * 15, ""]
ENUMS = {
    "NODE_ENV": ["development", "test", "production", "Production", "prod", ""],
    "LOG_LEVEL": ["silent", "fatal", "error", "warn", "info", "debug", "trace", "INFO", ""],
    "ACCESS_TOKEN_ALGORITHM": ["HS256", "HS384", "HS512", "RS256", "ES256", "EdDSA", "hs256",
                               "none", ""],
    "REFRESH_TOKEN_ALGORITHM": ["HS256", "HS512", "RS256", ""],
    "PASSWORD_HASH_ALGORITHM": ["argon2id", "bcrypt", "scrypt", ""],
}
TEXTS = ["auth-api", "  x  ", "", "   ", "kid-1"]
URLS = {
    "DATABASE_URL": ["sqlite://authkit.db", "sqlite::memory:", "sqlite://", "postgres://u:p@h/d",
                     "postgresql://h/d", "mysql://h/d", "", "  sqlite::memory:  "],
    "REDIS_URL": ["redis://localhost:6379/0", "redis://:secretpw@h:6380/2", "rediss://h",
                  "redis://h:99999", "redis://[::1]:6379", "", " ", "http://h", "redis://h/x"],
    "METRICS_AUTH_TOKEN": ["0123456789abcdef", "short", "", "  ", " 0123456789abcdefgh "],
}


def pool(name, key_files):
    if name in ENUMS:
        return ENUMS[name]
    if name in URLS:
        return URLS[name]
    if name.endswith("_SECRET"):
        return SECRETS
    if name == "ACCESS_TOKEN_PRIVATE_KEY_FILE":
        return key_files
    if name in ("JWT_ISSUER", "JWT_AUDIENCE", "ACCESS_TOKEN_KEY_ID", "REFRESH_TOKEN_KEY_ID"):
        return TEXTS
    if name in ("DOCS_ENABLED", "METRICS_ENABLED", "AUDIT_LOG_EMAILS", "MIGRATE_ON_START",
                "DATABASE_READ_COALESCING", "METRICS_ALLOW_UNAUTHENTICATED"):
        return BOOLS
    if name.endswith("_EXPIRES_IN") or name in ("SESSION_MAX_AGE", "PURGE_RETENTION",
                                                 "PURGE_INTERVAL"):
        return DURATIONS
    return NUMBERS


# Values each variable accepts, for environments meant to load (so that the parsed outcome, the
# routes printed, is compared too, not only messages).
VALID = {"NODE_ENV": ["development", "production"], "LOG_LEVEL": ["silent", "debug"],
         "DATABASE_URL": ["sqlite::memory:", "sqlite://authkit.db"],
         "REDIS_URL": ["", "redis://localhost:6379/0"], "METRICS_AUTH_TOKEN": ["0123456789abcdef"],
         "ACCESS_TOKEN_ALGORITHM": ["HS256", "HS384"], "REFRESH_TOKEN_ALGORITHM": ["HS256"],
         "PASSWORD_HASH_ALGORITHM": ["argon2id", "bcrypt"], "BCRYPT_ROUNDS": ["8", "12"],
         "ARGON2_OPSLIMIT": ["1", "3"], "ARGON2_MEMLIMIT": ["8192", "67108864"],
         "RATE_LIMIT_IPV6_PREFIX": ["48", "128"], "DATABASE_POOL_SIZE": ["1", "1000"],
         "DATABASE_READ_COALESCING_PATIENCE_MS": ["0", "1000"],
         "PASSWORD_HASH_QUEUE_TIMEOUT_MS": ["1", "600000"], "HTTP_THREADS": ["1", "300", "4096"],
         "HTTP_MAX_THREADS": ["4096"], "PASSWORD_HASH_QUEUE_MAX": ["0", "4096"],
         "PASSWORD_HASH_QUEUE_MAX_PER_CLIENT": ["1", "4096"], "TRUST_PROXY": ["0", "2"]}


def valid_value(rng, name):
    if name in VALID:
        return rng.choice(VALID[name])
    kind = pool(name, [""])
    if kind is BOOLS:
        return rng.choice(["true", "off", " YES "])
    if kind is DURATIONS:
        return rng.choice(["15m", "1000", " 30d ", "500ms"])
    if kind is TEXTS:
        return rng.choice(["auth-api", "  kid  "])
    return rng.choice(["1", "100", " 12 ", "1e3", "0x10", "60000"])


def environment(rng, key_files):
    env = {}
    if rng.random() < 0.3:
        env["ACCESS_TOKEN_SECRET"] = "A" * 64
        env["REFRESH_TOKEN_SECRET"] = "R" * 40
        for name in NAMES:
            if name not in env and name != "ACCESS_TOKEN_PRIVATE_KEY_FILE" and rng.random() < 0.4:
                env[name] = valid_value(rng, name)
        return env
    density = rng.choice([0.03, 0.1, 0.3, 0.6, 1.0])
    if rng.random() < 0.8:  # mostly valid secrets, so that the other rules are reached
        env["ACCESS_TOKEN_SECRET"] = "A" * 40
        env["REFRESH_TOKEN_SECRET"] = "R" * 40
    for name in NAMES:
        if rng.random() < density:
            everything = NUMBERS + BOOLS + DURATIONS + TEXTS
            env[name] = rng.choice(pool(name, key_files) if rng.random() < 0.85 else everything)
    return env


def run(binary, env, cwd):
    full = {"PATH": "/usr/bin:/bin"}
    if binary.startswith("LD_LIBRARY_PATH="):
        library, binary = binary[len("LD_LIBRARY_PATH="):].split(":", 1)
        full["LD_LIBRARY_PATH"] = library
    full.update(env)
    done = subprocess.run([binary, "routes"], env=full, cwd=cwd, capture_output=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def main():
    old, new = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 15)
    with tempfile.TemporaryDirectory() as cwd:
        key = os.path.join(cwd, "key.pem")
        with open(key, "w") as f:
            f.write("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n")
        not_key = os.path.join(cwd, "plain.txt")
        with open(not_key, "w") as f:
            f.write("hello\n")
        key_files = [key, not_key, os.path.join(cwd, "missing.pem"), cwd, "", " "]
        outcomes = {}  # by the old binary's exit status
        mismatches = 0
        for i in range(count):
            env = environment(rng, key_files)
            a, b = run(old, env, cwd), run(new, env, cwd)
            outcomes[a[0]] = outcomes.get(a[0], 0) + 1
            if a != b:
                mismatches += 1
                if mismatches <= 5:
                    print(f"MISMATCH #{i}: {env}\n  old: {a}\n  new: {b}")
        print(f"compared {count} environments: {mismatches} differ; old exit statuses {outcomes}")
        sys.exit(1 if mismatches else 0)


main()
