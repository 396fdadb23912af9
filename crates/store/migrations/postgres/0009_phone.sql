-- The phone channel (issue 11), PostgreSQL dialect. Keep in step with
-- ../sqlite/0009_phone.sql.
--
-- A call is what the PBX asked about (its decision) and what it reported
-- after (ringing, answered, ended with an outcome). `data` is the domain's
-- Call as JSON; the other columns copy what queries and reports need
-- (issue 14 reads calls by time, line, outcome and who answered). A change
-- is saved under `version`, so two PBX events racing cannot both win.
CREATE TABLE phone_calls (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id     TEXT NOT NULL UNIQUE,   -- the PBX's id
    number      TEXT NOT NULL,          -- the number called (E.164)
    caller      TEXT,                   -- the caller's E.164 number; NULL: withheld or not a number
    customer_id TEXT,
    contact_id  BIGINT REFERENCES contacts (id),
    line        TEXT NOT NULL,
    action      TEXT NOT NULL,          -- reject | announce | connect
    state       TEXT NOT NULL,          -- offered | ringing | answered | ended
    outcome     TEXT,                   -- answered | missed | abandoned | rejected | off_hours
    operator_id BIGINT REFERENCES operators (id),
    ticket_id   BIGINT REFERENCES tickets (id),
    offered_at  BIGINT NOT NULL,
    answered_at BIGINT,
    ended_at    BIGINT,
    timed_out   BOOLEAN NOT NULL DEFAULT FALSE,
    data        TEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX phone_calls_by_customer ON phone_calls (customer_id, offered_at) WHERE customer_id IS NOT NULL;
CREATE INDEX phone_calls_by_contact ON phone_calls (contact_id, offered_at) WHERE contact_id IS NOT NULL;
CREATE INDEX phone_calls_by_ticket ON phone_calls (ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX phone_calls_open ON phone_calls (offered_at) WHERE state <> 'ended';
CREATE INDEX phone_calls_on_call ON phone_calls (operator_id) WHERE state = 'answered';
CREATE INDEX phone_calls_by_time ON phone_calls (offered_at);

-- Callback tasks on a line's queue: at most one open (not done) per caller
-- and line; a caller who rings again adds to it (`calls`).
CREATE TABLE phone_callbacks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id     TEXT NOT NULL,
    phone       TEXT NOT NULL,
    number      TEXT NOT NULL,
    line        TEXT NOT NULL,
    customer_id TEXT,
    contact_id  BIGINT REFERENCES contacts (id),
    status      TEXT NOT NULL,          -- open | taken | done
    operator_id BIGINT REFERENCES operators (id),
    due_at      BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    taken_at    BIGINT,
    done_at     BIGINT,
    outcome     TEXT,                   -- reached | no_answer | wrong_number
    calls       BIGINT NOT NULL DEFAULT 1,
    data        TEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX phone_callbacks_one_open ON phone_callbacks (phone, line) WHERE status <> 'done';
CREATE INDEX phone_callbacks_queue ON phone_callbacks (line, status, due_at);
