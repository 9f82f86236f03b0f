-- Calendar feeds (issue 17): a user's secret address of an iCalendar feed of
-- the open deadlines in their scope. Only a hash of the token is kept; a new
-- token revokes the user's earlier ones. The feed speaks the language chosen
-- when the token was made. Kept in step with ../postgres/0018_calendar_feeds.sql.
CREATE TABLE calendar_feeds (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    lang        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX calendar_feeds_user ON calendar_feeds(user_id);
