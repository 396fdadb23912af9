-- Canned replies for the staff console (issue 12): shared ones have no
-- owner (supervisors manage them); the others are one operator's own.
CREATE TABLE canned_replies (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id   BIGINT REFERENCES operators (id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX canned_by_owner ON canned_replies (owner_id, title);
