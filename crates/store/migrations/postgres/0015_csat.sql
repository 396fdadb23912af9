-- Customer satisfaction (issue 14): one request per ticket, ever. `state` is
-- `asked` (a link or chat message went out), `skipped` (the customer was
-- asked recently about another ticket, or cannot be reached), or `rated`.
CREATE TABLE csat_requests (
    ticket_id  BIGINT PRIMARY KEY REFERENCES tickets (id),
    requester  TEXT NOT NULL, -- 'customer:<id>' or 'contact:<id>'
    state      TEXT NOT NULL CHECK (state IN ('asked', 'skipped', 'rated')),
    token_hash TEXT,          -- SHA-256 of the link's token
    medium     TEXT,
    asked_at   BIGINT NOT NULL,
    score      BIGINT CHECK (score BETWEEN 1 AND 5),
    comment    TEXT,
    rated_at   BIGINT
);
CREATE UNIQUE INDEX csat_by_token ON csat_requests (token_hash) WHERE token_hash IS NOT NULL;
CREATE INDEX csat_by_requester ON csat_requests (requester, asked_at) WHERE state <> 'skipped';
CREATE INDEX tickets_by_resolved_at ON tickets (resolved_at) WHERE resolved_at IS NOT NULL;
