-- Switchboard schema, PostgreSQL dialect. Keep in step with ../sqlite/0001_initial.sql:
-- same tables, columns and meaning; only the types differ.
--
-- Timestamps are milliseconds since the Unix epoch (UTC) in both backends, so
-- the same Rust conversion serves both. Every integer is BIGINT so that one
-- Rust type (i64) decodes every integer column. JSON is kept as TEXT for the
-- same reason: the store never queries inside it.

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
);

-- No foreign key to customers: the order system may send an order before its customer.
CREATE TABLE orders (
    number       TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL,
    title        TEXT NOT NULL,
    status       TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency     TEXT NOT NULL,
    placed_at    BIGINT NOT NULL
);
CREATE INDEX orders_by_customer ON orders (customer_id, placed_at DESC);

CREATE TABLE operators (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    skills        TEXT NOT NULL, -- JSON array of strings
    capacity      BIGINT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    operator_id BIGINT NOT NULL REFERENCES operators (id),
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_by_operator ON sessions (operator_id);

-- The ticket number customers quote is derived from the id; a sequence never
-- hands out a value twice. customer_id and assignee_id carry no foreign keys:
-- customers come from the order system, and the caller checks operators
-- before assigning.
CREATE TABLE tickets (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    assignee_id       BIGINT,
    due_at            BIGINT,
    first_response_at BIGINT,
    resolved_at       BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    version           BIGINT NOT NULL
);
-- The ticket list filters on one of these and pages newest first by id.
CREATE INDEX tickets_by_status ON tickets (status, id DESC);
CREATE INDEX tickets_by_topic ON tickets (line, topic, id DESC);
CREATE INDEX tickets_by_assignee ON tickets (assignee_id, id DESC);
CREATE INDEX tickets_by_customer ON tickets (customer_id, id DESC);
CREATE INDEX tickets_by_priority ON tickets (priority, id DESC);

CREATE TABLE messages (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id   BIGINT NOT NULL REFERENCES tickets (id),
    author_kind TEXT NOT NULL,
    author_id   TEXT,
    visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX messages_by_ticket ON messages (ticket_id, id);

-- position keeps the order the author attached files in.
CREATE TABLE message_attachments (
    message_id   BIGINT NOT NULL REFERENCES messages (id),
    position     BIGINT NOT NULL,
    hash         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    PRIMARY KEY (message_id, position)
);
CREATE INDEX attachments_by_hash ON message_attachments (hash);

CREATE TABLE ticket_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id  BIGINT NOT NULL REFERENCES tickets (id),
    actor_kind TEXT NOT NULL,
    actor_id   TEXT,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL, -- JSON of the TicketEvent
    at         BIGINT NOT NULL
);
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, id);

-- The audit log is evidence: once written, an entry stays as it is.
CREATE FUNCTION ticket_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ticket_events is append-only' USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER ticket_events_no_change BEFORE UPDATE OR DELETE ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only();
CREATE TRIGGER ticket_events_no_truncate BEFORE TRUNCATE ON ticket_events
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_events_append_only();

CREATE TABLE outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id       BIGINT REFERENCES tickets (id),
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT
);
-- Workers poll for due rows; delivered and failed rows stay out of this index.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_by_ticket ON outbox (ticket_id, id);
