-- The store's state changes as server-side functions, so that each costs one statement and so
-- one round trip (docs/benchmarks/postgres-round-trips.md). Each body is the transaction the
-- shared store runs as separate statements on SQLite, statement for statement and in the same
-- lock order (the session row first); in READ COMMITTED every statement of a function takes a
-- fresh snapshot, as every statement of that transaction does. The library checks each answer
-- against its own rules (src/storage/sql/rotation_rules.cpp). Times are ms since the epoch.

CREATE FUNCTION authkit_ts(ms BIGINT) RETURNS TIMESTAMPTZ LANGUAGE sql IMMUTABLE
  AS $$ SELECT 'epoch'::timestamptz + ms * interval '1 millisecond' $$;

CREATE FUNCTION authkit_ms(ts TIMESTAMPTZ) RETURNS BIGINT LANGUAGE sql IMMUTABLE
  AS $$ SELECT (extract(epoch FROM ts) * 1000)::bigint $$;

-- Whether two token hashes are equal, compared as digests of themselves: how long the
-- comparison takes says nothing about the stored value.
CREATE FUNCTION authkit_same_hash(a TEXT, b TEXT) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE
  AS $$ SELECT sha256(convert_to(a, 'UTF8')) = sha256(convert_to(b, 'UTF8')) $$;

-- Session ACTIVE -> COMPROMISED, the token ACTIVE|USED -> REUSED, the session's ACTIVE tokens
-- -> REVOKED (docs/compatibility.md#atomic-compromise).
CREATE FUNCTION authkit_compromise_session(
  p_session_id TEXT, p_token_id TEXT, p_now BIGINT,
  OUT session_compromised BOOLEAN, OUT token_marked_reused BOOLEAN, OUT tokens_revoked BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
  now_ts CONSTANT TIMESTAMPTZ := authkit_ts(p_now);
  changed BIGINT;
BEGIN
  PERFORM 1 FROM sessions WHERE id = p_session_id FOR UPDATE;
  UPDATE sessions SET status = 'COMPROMISED', compromised_at = now_ts, updated_at = now_ts
    WHERE id = p_session_id AND status = 'ACTIVE';
  GET DIAGNOSTICS changed = ROW_COUNT;
  session_compromised := changed > 0;
  UPDATE refresh_tokens SET status = 'REUSED', revoked_at = now_ts
    WHERE id = p_token_id AND session_id = p_session_id AND status IN ('ACTIVE', 'USED');
  GET DIAGNOSTICS changed = ROW_COUNT;
  token_marked_reused := changed > 0;
  UPDATE refresh_tokens SET status = 'REVOKED', revoked_at = now_ts
    WHERE session_id = p_session_id AND status = 'ACTIVE';
  GET DIAGNOSTICS tokens_revoked = ROW_COUNT;
END
$$;

-- The refresh step (docs/api.md#refresh-steps). Rotates when the presented token is ACTIVE,
-- unexpired, of this session, whose user and status fit; compromises the session when the token
-- is replayed (used, revoked or reused outside the reuse grace, or a known jti with another
-- hash); otherwise changes nothing. Returns what the decision was made on: the token and the
-- session as they were (the session touched when rotated), the token's child when within the
-- reuse grace, the session's user, and on a replay what the compromise changed (else NULLs).
CREATE FUNCTION authkit_rotate_refresh_token(
  p_session_id TEXT, p_user_id BIGINT, p_jti TEXT, p_token_hash TEXT, p_child_id TEXT,
  p_child_jti TEXT, p_child_hash TEXT, p_child_expires_at BIGINT, p_user_agent TEXT,
  p_ip_address TEXT, p_now BIGINT, p_reuse_grace_ms BIGINT,
  OUT rotated BOOLEAN, OUT replay_session_compromised BOOLEAN, OUT replay_token_reused BOOLEAN,
  OUT replay_tokens_revoked BIGINT, OUT out_token refresh_tokens, OUT out_session sessions,
  OUT out_child refresh_tokens, OUT out_user users)
LANGUAGE plpgsql AS $$
DECLARE
  now_ts CONSTANT TIMESTAMPTZ := authkit_ts(p_now);
  session_live BOOLEAN;
  hash_ok BOOLEAN;
  is_replay BOOLEAN := false;
BEGIN
  rotated := false;
  SELECT * INTO out_token FROM refresh_tokens WHERE jti = p_jti;
  IF NOT FOUND OR out_token.session_id <> p_session_id THEN
    RETURN;
  END IF;
  SELECT * INTO out_session FROM sessions WHERE id = p_session_id FOR UPDATE;
  -- Again under the session's lock: every token change happens under it.
  SELECT * INTO out_token FROM refresh_tokens WHERE id = out_token.id;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF out_session.id IS NOT NULL THEN
    SELECT * INTO out_user FROM users WHERE id = out_session.user_id;
  END IF;
  IF p_reuse_grace_ms > 0 AND out_token.status = 'USED' AND out_token.used_at IS NOT NULL
     AND out_token.replaced_by_token_id IS NOT NULL
     AND p_now - authkit_ms(out_token.used_at) <= p_reuse_grace_ms THEN
    SELECT * INTO out_child FROM refresh_tokens WHERE id = out_token.replaced_by_token_id;
  END IF;
  -- A replay, in the order of checks of the library's rules: on the user's ACTIVE session, a
  -- token no longer ACTIVE unless the grace hands out its child, or an unexpired ACTIVE token
  -- presented with another hash.
  IF out_session.id IS NOT NULL AND out_session.user_id = p_user_id
     AND out_session.status = 'ACTIVE' THEN
    session_live := out_session.expires_at IS NULL OR out_session.expires_at > now_ts;
    hash_ok := authkit_same_hash(out_token.token_hash, p_token_hash);
    IF out_token.status <> 'ACTIVE' THEN
      is_replay := NOT (out_child.id IS NOT NULL AND out_child.status = 'ACTIVE'
                        AND out_child.expires_at > now_ts AND session_live AND hash_ok);
    ELSE
      is_replay := out_token.expires_at > now_ts AND session_live AND NOT hash_ok;
    END IF;
  END IF;
  IF is_replay THEN
    SELECT c.session_compromised, c.token_marked_reused, c.tokens_revoked
      INTO replay_session_compromised, replay_token_reused, replay_tokens_revoked
      FROM authkit_compromise_session(p_session_id, out_token.id, p_now) AS c;
    RETURN;
  END IF;
  IF out_session.id IS NULL OR out_session.user_id <> p_user_id
     OR out_session.status <> 'ACTIVE' OR out_token.status <> 'ACTIVE'
     OR out_token.expires_at <= now_ts
     OR (out_session.expires_at IS NOT NULL AND out_session.expires_at <= now_ts)
     OR NOT authkit_same_hash(out_token.token_hash, p_token_hash) THEN
    RETURN;
  END IF;
  INSERT INTO refresh_tokens (id, session_id, jti, token_hash, status, created_at, expires_at,
                              parent_token_id)
    VALUES (p_child_id, p_session_id, p_child_jti, p_child_hash, 'ACTIVE', now_ts,
            authkit_ts(p_child_expires_at), out_token.id);
  UPDATE refresh_tokens SET status = 'USED', used_at = now_ts, replaced_by_token_id = p_child_id
    WHERE id = out_token.id AND status = 'ACTIVE' AND replaced_by_token_id IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'parent changed under lock';
  END IF;
  UPDATE sessions SET last_seen_at = now_ts, updated_at = now_ts, user_agent = p_user_agent,
                      ip_address = p_ip_address
    WHERE id = p_session_id AND status = 'ACTIVE'
    RETURNING * INTO out_session;
  rotated := true;
END
$$;

-- DELETE /v1/auth/sessions/:id: the user's session -> REVOKED with its ACTIVE tokens.
-- session_found is false when the user has no such session.
CREATE FUNCTION authkit_revoke_session(
  p_user_id BIGINT, p_session_id TEXT, p_now BIGINT, p_reason TEXT,
  OUT session_found BOOLEAN, OUT changed BOOLEAN)
LANGUAGE plpgsql AS $$
DECLARE
  now_ts CONSTANT TIMESTAMPTZ := authkit_ts(p_now);
  session_owner BIGINT;
  sessions_changed BIGINT;
  tokens_changed BIGINT;
BEGIN
  session_found := false;
  changed := false;
  SELECT user_id INTO session_owner FROM sessions WHERE id = p_session_id FOR UPDATE;
  IF NOT FOUND OR session_owner <> p_user_id THEN
    RETURN;
  END IF;
  session_found := true;
  UPDATE sessions SET status = 'REVOKED', revoked_at = now_ts, revoke_reason = p_reason,
                      updated_at = now_ts
    WHERE id = p_session_id AND status = 'ACTIVE';
  GET DIAGNOSTICS sessions_changed = ROW_COUNT;
  UPDATE refresh_tokens SET status = 'REVOKED', revoked_at = now_ts
    WHERE session_id = p_session_id AND status = 'ACTIVE';
  GET DIAGNOSTICS tokens_changed = ROW_COUNT;
  changed := sessions_changed > 0 OR tokens_changed > 0;
END
$$;

-- Logout (docs/api.md#logout-steps): revokes the session when the presented token is ACTIVE, of
-- this session, with this hash. Returns the token and the session as they are now.
CREATE FUNCTION authkit_revoke_session_by_token(
  p_session_id TEXT, p_jti TEXT, p_token_hash TEXT, p_now BIGINT, p_reason TEXT,
  OUT revoked BOOLEAN, OUT out_token refresh_tokens, OUT out_session sessions)
LANGUAGE plpgsql AS $$
DECLARE
  now_ts CONSTANT TIMESTAMPTZ := authkit_ts(p_now);
BEGIN
  revoked := false;
  SELECT * INTO out_token FROM refresh_tokens WHERE jti = p_jti;
  IF NOT FOUND OR out_token.session_id <> p_session_id THEN
    RETURN;
  END IF;
  SELECT * INTO out_session FROM sessions WHERE id = p_session_id FOR UPDATE;
  SELECT * INTO out_token FROM refresh_tokens WHERE id = out_token.id;
  IF NOT FOUND OR out_token.status <> 'ACTIVE'
     OR NOT authkit_same_hash(out_token.token_hash, p_token_hash) THEN
    RETURN;
  END IF;
  UPDATE sessions SET status = 'REVOKED', revoked_at = now_ts, revoke_reason = p_reason,
                      updated_at = now_ts
    WHERE id = p_session_id AND status = 'ACTIVE';
  UPDATE refresh_tokens SET status = 'REVOKED', revoked_at = now_ts
    WHERE session_id = p_session_id AND status = 'ACTIVE';
  SELECT * INTO out_session FROM sessions WHERE id = p_session_id;
  SELECT * INTO out_token FROM refresh_tokens WHERE id = out_token.id;
  revoked := true;
END
$$;

-- Every ACTIVE session of the user -> REVOKED with their ACTIVE tokens; how many sessions.
-- Locked in one order (by id) so that two revoke-alls of one user cannot deadlock.
CREATE FUNCTION authkit_revoke_all_sessions(p_user_id BIGINT, p_now BIGINT, p_reason TEXT)
RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
  now_ts CONSTANT TIMESTAMPTZ := authkit_ts(p_now);
  revoked BIGINT;
BEGIN
  PERFORM 1 FROM sessions WHERE user_id = p_user_id AND status = 'ACTIVE' ORDER BY id FOR UPDATE;
  UPDATE sessions SET status = 'REVOKED', revoked_at = now_ts, revoke_reason = p_reason,
                      updated_at = now_ts
    WHERE user_id = p_user_id AND status = 'ACTIVE';
  GET DIAGNOSTICS revoked = ROW_COUNT;
  UPDATE refresh_tokens SET status = 'REVOKED', revoked_at = now_ts
    WHERE status = 'ACTIVE'
      AND session_id IN (SELECT id FROM sessions WHERE user_id = p_user_id AND status <> 'ACTIVE');
  RETURN revoked;
END
$$;
