-- Chat (issue 3), PostgreSQL dialect. Keep in step with ../sqlite/0002_chat.sql.
--
-- Every message of a ticket gets a per-ticket sequence number when it is
-- stored (tickets.last_seq is the counter; taking the next values row-locks
-- the ticket, so several nodes never hand out one number twice). Clients
-- reconnect with the last number they saw and get the rest by it.

ALTER TABLE tickets ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
-- The client's id of the message that opened a chat: resending it opens nothing new.
ALTER TABLE tickets ADD COLUMN client_ref TEXT;
CREATE UNIQUE INDEX tickets_by_client_ref ON tickets (customer_id, client_ref)
    WHERE client_ref IS NOT NULL;
-- The chat queue: waiting conversations by priority, oldest first.
CREATE INDEX tickets_chat_queue ON tickets (channel, status, id);

ALTER TABLE messages ADD COLUMN seq BIGINT;
-- Client-supplied message id: the same id is stored once and answered with the same seq.
ALTER TABLE messages ADD COLUMN client_id TEXT;
-- Structured extras of chat messages (the bot's suggested answers), JSON.
ALTER TABLE messages ADD COLUMN meta TEXT;
UPDATE messages SET seq = (
    SELECT COUNT(*) FROM messages m2
    WHERE m2.ticket_id = messages.ticket_id AND m2.id <= messages.id);
UPDATE tickets SET last_seq = (SELECT COUNT(*) FROM messages m WHERE m.ticket_id = tickets.id);
CREATE UNIQUE INDEX messages_by_seq ON messages (ticket_id, seq);
CREATE UNIQUE INDEX messages_by_client_id ON messages (ticket_id, client_id)
    WHERE client_id IS NOT NULL;

-- Whether an operator takes chats now. seen_until is a lease the node holding
-- the operator's console keeps renewing, so a node that dies cannot leave a
-- ghost "online" operator behind.
CREATE TABLE operator_presence (
    operator_id BIGINT PRIMARY KEY REFERENCES operators (id),
    status      TEXT NOT NULL CHECK (status IN ('online', 'away', 'offline')),
    seen_until  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- The one-time SMS code of bank conversations: only its keyed hash is kept.
CREATE TABLE chat_step_up (
    ticket_id    BIGINT PRIMARY KEY REFERENCES tickets (id),
    code_hash    TEXT,
    issued_at    BIGINT,
    expires_at   BIGINT,
    attempts     BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    verified_at  BIGINT
);

-- A sensitive notification (the SMS code) is blanked once it is delivered or
-- given up, and never shown to staff.
ALTER TABLE outbox ADD COLUMN sensitive BOOLEAN NOT NULL DEFAULT FALSE;
