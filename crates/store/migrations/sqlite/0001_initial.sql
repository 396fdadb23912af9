-- Switchboard schema, SQLite dialect. Keep in step with ../postgres/0001_initial.sql:
-- same tables, columns and meaning; only the types differ.
--
-- Timestamps are milliseconds since the Unix epoch (UTC) in both backends, so
-- the same Rust conversion serves both. STRICT tables make SQLite refuse values
-- of the wrong type instead of storing them silently.

-- Fed by the order system; the store is not their source of truth.
CREATE TABLE customers (
    id       TEXT PRIMARY KEY,
    kind     TEXT NOT NULL,
    name     TEXT NOT NULL,
    email    TEXT,
    phone    TEXT,
    locale   TEXT NOT NULL,
    flags    TEXT NOT NULL, -- JSON object
    bookings TEXT NOT NULL  -- JSON array
) STRICT;

-- No foreign key to customers: the order system may send an order before its customer.
CREATE TABLE orders (
    number       TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL,
    title        TEXT NOT NULL,
    status       TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    placed_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX orders_by_customer ON orders (customer_id, placed_at DESC);

-- AUTOINCREMENT: ids are never reused, even after the newest row is gone.
CREATE TABLE operators (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    login         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    skills        TEXT NOT NULL, -- JSON array of strings
    capacity      INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    password_hash TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operators (id),
    expires_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_operator ON sessions (operator_id);

-- The ticket number customers quote is derived from the id, hence AUTOINCREMENT.
-- customer_id and assignee_id carry no foreign keys: customers come from the
-- order system, and the caller checks operators before assigning.
CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id       TEXT NOT NULL,
    kind              TEXT NOT NULL,
    channel           TEXT NOT NULL,
    line              TEXT NOT NULL,
    topic             TEXT NOT NULL,
    problem_kind      TEXT NOT NULL, -- 'listed' or 'other'
    problem_text      TEXT NOT NULL, -- the problem code, or the customer's words
    order_number      TEXT,
    subject           TEXT NOT NULL,
    status            TEXT NOT NULL,
    priority          TEXT NOT NULL,
    reply_channel     TEXT NOT NULL,
    assignee_id       INTEGER,
    due_at            INTEGER,
    first_response_at INTEGER,
    resolved_at       INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL
) STRICT;
-- The ticket list filters on one of these and pages newest first by id.
CREATE INDEX tickets_by_status ON tickets (status, id DESC);
CREATE INDEX tickets_by_topic ON tickets (line, topic, id DESC);
CREATE INDEX tickets_by_assignee ON tickets (assignee_id, id DESC);
CREATE INDEX tickets_by_customer ON tickets (customer_id, id DESC);
CREATE INDEX tickets_by_priority ON tickets (priority, id DESC);

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
    author_kind TEXT NOT NULL,
    author_id   TEXT,
    visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX messages_by_ticket ON messages (ticket_id, id);

-- position keeps the order the author attached files in.
CREATE TABLE message_attachments (
    message_id   INTEGER NOT NULL REFERENCES messages (id),
    position     INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    PRIMARY KEY (message_id, position)
) STRICT;
CREATE INDEX attachments_by_hash ON message_attachments (hash);

CREATE TABLE ticket_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    actor_kind TEXT NOT NULL,
    actor_id   TEXT,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL, -- JSON of the TicketEvent
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, id);

-- The audit log is evidence: once written, an entry stays as it is.
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN
    SELECT RAISE(ABORT, 'ticket_events is append-only');
END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN
    SELECT RAISE(ABORT, 'ticket_events is append-only');
END;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id       INTEGER REFERENCES tickets (id),
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
) STRICT;
-- Workers poll for due rows; delivered and failed rows stay out of this index.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_by_ticket ON outbox (ticket_id, id);
