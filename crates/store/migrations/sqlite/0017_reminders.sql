-- Reminders by e-mail (docs/reminders.md). Kept in step with ../postgres/0017_reminders.sql.
-- A user's choice: where, in which language, how often, how far ahead.
CREATE TABLE user_reminders (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id),
    email       TEXT NOT NULL,
    lang        TEXT NOT NULL,
    digest      TEXT NOT NULL,
    days_ahead  INTEGER NOT NULL,
    updated_at  TEXT NOT NULL
);

-- One row per digest: a user and a period (the day, 2026-12-01, for a
-- daily digest; the ISO week, 2026-W49, for a weekly one). Written before
-- the message is handed to the SMTP server (status 'sending') and after
-- ('sent', 'failed' with the next try, 'empty' when there was nothing to
-- say, 'gave_up' after the last attempt): a digest is never sent twice.
CREATE TABLE reminder_runs (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    period       TEXT NOT NULL,
    status       TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    lang         TEXT NOT NULL,
    items        INTEGER NOT NULL,
    attempts     INTEGER NOT NULL,
    next_try_at  TEXT,
    last_error   TEXT,
    message_id   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    sent_at      TEXT,
    UNIQUE (user_id, period)
);
CREATE INDEX reminder_runs_status ON reminder_runs(status, next_try_at);
