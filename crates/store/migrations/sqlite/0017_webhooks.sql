-- Webhooks (issue 14): HTTPS endpoints an admin registers for ticket events.
-- The audit log is the source: a trigger queues every new ticket_events row
-- (only while some endpoint exists, so an installation without webhooks pays
-- nothing) in the transaction that writes it; the fan-out step turns queued
-- events into one delivery per subscribed endpoint and takes them off the
-- queue in one transaction; deliveries are then sent like the outbox: leases,
-- retries with backoff, the last answer kept.
CREATE TABLE webhook_endpoints (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    url         TEXT NOT NULL,
    events      TEXT NOT NULL,             -- JSON array of event types
    secret      TEXT NOT NULL,             -- the HMAC key: needed to sign, so kept as is
    description TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'paused')),
    failures    INTEGER NOT NULL DEFAULT 0, -- failed attempts in a row
    created_by  INTEGER REFERENCES operators (id),
    created_at  INTEGER NOT NULL,
    paused_at   INTEGER,
    deleted_at  INTEGER
) STRICT;

CREATE TABLE webhook_queue (
    event_id INTEGER PRIMARY KEY
) STRICT;

CREATE TRIGGER webhook_queue_on_event AFTER INSERT ON ticket_events
    WHEN EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL)
BEGIN
    INSERT INTO webhook_queue (event_id) VALUES (NEW.id);
END;

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints (id),
    event           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    last_status     INTEGER,               -- the endpoint's last HTTP status
    last_response   TEXT,                  -- the start of its last answer
    last_error      TEXT,
    replay_of       INTEGER REFERENCES webhook_deliveries (id),
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id);
