-- libauthkit's own schema on SQLite: users, sessions, refresh_tokens. Times are INTEGER
-- milliseconds since the Unix epoch (UTC), always passed in by the library's clock.
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT    NOT NULL,
  email         TEXT    NOT NULL,
  password_hash TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE sessions (
  id                 TEXT    NOT NULL PRIMARY KEY,
  user_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  status             TEXT    NOT NULL DEFAULT 'ACTIVE'
                     CHECK (status IN ('ACTIVE', 'REVOKED', 'COMPROMISED')),
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  created_user_agent TEXT,
  created_ip_address TEXT,
  last_seen_at       INTEGER,
  user_agent         TEXT,
  ip_address         TEXT,
  expires_at         INTEGER,
  revoked_at         INTEGER,
  revoke_reason      TEXT CHECK (revoke_reason IN ('USER_REVOKED_CURRENT_SESSION',
                                                   'USER_REVOKED_SESSION',
                                                   'USER_REVOKED_ALL_SESSIONS')),
  compromised_at     INTEGER
);
CREATE INDEX sessions_user_id_created_at_idx ON sessions (user_id, created_at);
CREATE INDEX sessions_status_idx ON sessions (status);

CREATE TABLE refresh_tokens (
  id                   TEXT    NOT NULL PRIMARY KEY,
  session_id           TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  jti                  TEXT    NOT NULL,
  token_hash           TEXT    NOT NULL,
  status               TEXT    NOT NULL DEFAULT 'ACTIVE'
                       CHECK (status IN ('ACTIVE', 'USED', 'REVOKED', 'REUSED')),
  created_at           INTEGER NOT NULL,
  expires_at           INTEGER NOT NULL,
  used_at              INTEGER,
  revoked_at           INTEGER,
  parent_token_id      TEXT REFERENCES refresh_tokens (id) ON DELETE SET NULL,
  replaced_by_token_id TEXT REFERENCES refresh_tokens (id) ON DELETE SET NULL,
  CONSTRAINT refresh_tokens_jti_key UNIQUE (jti),
  CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX refresh_tokens_session_id_status_idx ON refresh_tokens (session_id, status);
CREATE INDEX refresh_tokens_parent_token_id_idx ON refresh_tokens (parent_token_id);
CREATE INDEX refresh_tokens_replaced_by_token_id_idx ON refresh_tokens (replaced_by_token_id);
CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at);
