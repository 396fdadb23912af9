-- Canned replies for the staff console (issue 12): shared ones have no
-- owner (supervisors manage them); the others are one operator's own.
CREATE TABLE canned_replies (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id   INTEGER REFERENCES operators (id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX canned_by_owner ON canned_replies (owner_id, title);
