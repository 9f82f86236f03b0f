-- Users, their sessions and sign-in attempts. Kept in step with ../postgres/0005_users.sql.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    unit_id        INTEGER REFERENCES units(id),
    member_id      INTEGER REFERENCES members(id),
    created_at     TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0
);

-- Only a hash of the session token is stored.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY,
    username  TEXT NOT NULL,
    at        TEXT NOT NULL,
    ok        INTEGER NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts(username, at);
