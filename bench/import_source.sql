-- import_source.sql: fills an empty database holding the original service's schema
-- (tests/data/original-schema.sql) with the source of bench/import_bench.sh, set-based, in one
-- transaction. psql variables (psql -v name=value):
--   users                number of "User" rows (ids 1..users)
--   sessions_per_user    "Session" rows per user
--   tokens_per_session   "RefreshToken" rows per session, one rotation chain each
--
-- What the rows look like, so that the import reads what a real database holds:
-- - every user has the same bcrypt hash (of the throw-away password "bench-import-password",
--   cost 10): hashing is not what the import measures;
-- - ids, jtis: UUID v4 text derived from md5 of a label, so that a token can name its parent
--   and its successor without a self-join; token hashes: SHA-256 hex of a label (64 lowercase
--   hex, unique, as the original stores them);
-- - per session, a rotation chain (docs/api.md#states): every token but the last is USED, with
--   usedAt, replacedByTokenId (the next one) and parentTokenId (the previous one); the last is
--   ACTIVE. One session in ten is REVOKED (the last token REVOKED, a revoke reason); one in
--   fifty is COMPROMISED (the next-to-last token REUSED, the last REVOKED, no revoke reason);
-- - times in UTC with millisecond parts, users created before their sessions, one hour between
--   rotations, refresh tokens valid 7 days; some sessions have IPv6 addresses, some none.

\set ON_ERROR_STOP on
BEGIN;

SELECT date_trunc('second', now() AT TIME ZONE 'UTC') AS base \gset

-- A UUID v4 (version and variant nibbles set) from the md5 of a label.
CREATE FUNCTION pg_temp.bench_uuid(label text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3) || '8' || substr(h, 18, 15))::uuid::text
        FROM md5(label) AS h $$;

INSERT INTO "User" (id, name, email, "passwordHash", "createdAt", "updatedAt")
SELECT n, 'Bench User ' || n, 'bench.user.' || n || '@example.com',
       '$2b$10$1MAOQJzNL6ZE0KwGln4A5eL1NedqK3mOMaHI1vCnxqomuuzj821pO',
       created, created
FROM generate_series(1, :users) AS n,
     LATERAL (SELECT :'base'::timestamp - interval '60 days'
                     + interval '1 millisecond' * (n::bigint * 997 % 86400000)) AS t(created);

-- The original's "User".id is SERIAL: a source the original keeps serving goes on from here.
SELECT setval(pg_get_serial_sequence('"User"', 'id'), greatest(:users, 1)) AS user_id_next \gset

-- One row per session, with what both the session and its tokens are derived from.
CREATE TEMP TABLE bench_session ON COMMIT DROP AS
SELECT n, pg_temp.bench_uuid('session:' || n) AS id, (n - 1) / :sessions_per_user + 1 AS user_id,
       CASE WHEN n % 50 = 7 THEN 'COMPROMISED' WHEN n % 10 = 3 THEN 'REVOKED' ELSE 'ACTIVE' END
         AS status,
       created, created + interval '1 hour' * (:tokens_per_session - 1) AS last_rotation
FROM generate_series(1, :users * :sessions_per_user) AS n,
     LATERAL (SELECT :'base'::timestamp - interval '1 day' * (1 + n % 28)
                     - interval '1 millisecond' * (n::bigint * 7919 % 86400000)) AS t(created);

INSERT INTO "Session" (id, "userId", status, "createdAt", "updatedAt", "lastSeenAt",
                       "userAgent", "ipAddress", "revokedAt", "revokeReason", "compromisedAt")
SELECT id, user_id, status::"SessionStatus", created,
       CASE WHEN status = 'ACTIVE' THEN last_rotation ELSE ended END, last_rotation,
       CASE n % 4 WHEN 0 THEN NULL
                  ELSE 'Mozilla/5.0 (bench; device ' || n % 97 || ') Gecko/20100101' END,
       CASE n % 5 WHEN 0 THEN NULL WHEN 1 THEN '2001:db8::' || to_hex(n % 65536)
                  ELSE '192.0.2.' || (n % 254 + 1) END,
       CASE WHEN status = 'REVOKED' THEN ended END,
       CASE WHEN status = 'REVOKED' THEN (ARRAY['USER_REVOKED_CURRENT_SESSION',
                                                'USER_REVOKED_SESSION',
                                                'USER_REVOKED_ALL_SESSIONS'])[n % 3 + 1] END,
       CASE WHEN status = 'COMPROMISED' THEN ended END
FROM bench_session, LATERAL (SELECT last_rotation + interval '20 minutes') AS e(ended);

INSERT INTO "RefreshToken" (id, "expiresAt", "createdAt", jti, "tokenHash", "sessionId", status,
                            "usedAt", "revokedAt", "parentTokenId", "replacedByTokenId")
SELECT pg_temp.bench_uuid('token:' || s.n || ':' || k), c.created + interval '7 days', c.created,
       pg_temp.bench_uuid('jti:' || s.n || ':' || k),
       encode(sha256(convert_to('token:' || s.n || ':' || k, 'UTF8')), 'hex'), s.id,
       token_status::"RefreshTokenStatus",
       CASE WHEN k < last THEN c.created + interval '1 hour' END,
       CASE WHEN token_status IN ('REVOKED', 'REUSED') THEN s.last_rotation + interval '20 minutes'
       END,
       CASE WHEN k > 0 THEN pg_temp.bench_uuid('token:' || s.n || ':' || (k - 1)) END,
       CASE WHEN k < last THEN pg_temp.bench_uuid('token:' || s.n || ':' || (k + 1)) END
FROM bench_session AS s,
     LATERAL (SELECT :tokens_per_session - 1) AS l(last),
     LATERAL generate_series(0, last) AS k,
     LATERAL (SELECT s.created + interval '1 hour' * k) AS c(created),
     LATERAL (SELECT CASE
                WHEN k < last AND s.status = 'COMPROMISED' AND k = last - 1 THEN 'REUSED'
                WHEN k < last THEN 'USED'
                WHEN s.status = 'ACTIVE' THEN 'ACTIVE'
                ELSE 'REVOKED' END) AS st(token_status);

COMMIT;
ANALYZE "User";
ANALYZE "Session";
ANALYZE "RefreshToken";
