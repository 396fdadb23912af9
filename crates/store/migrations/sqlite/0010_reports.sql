-- Reports (issue 14): one row of facts per ticket, derived by the domain
-- (`report::ticket_facts`) from the ticket's audit log and message log, and
-- recomputed whenever either log grows. Triggers on the logs mark the ticket
-- dirty in the same transaction as the change; the report worker recomputes
-- dirty tickets and clears a mark only if it has not been bumped since.
CREATE TABLE report_facts (
    ticket_id            INTEGER PRIMARY KEY REFERENCES tickets (id),
    created_at           INTEGER NOT NULL,
    channel              TEXT NOT NULL,
    line                 TEXT NOT NULL,
    topic                TEXT NOT NULL,
    priority             TEXT NOT NULL,
    status               TEXT NOT NULL,
    operator_id          INTEGER,
    first_ms             INTEGER,
    first_biz_ms         INTEGER,
    next_count           INTEGER NOT NULL,
    next_total_ms        INTEGER NOT NULL,
    next_total_biz_ms    INTEGER NOT NULL,
    resolution_ms        INTEGER,
    resolution_biz_ms    INTEGER,
    sla_first            INTEGER NOT NULL, -- 0 not applicable, 1 met, 2 breached
    sla_next             INTEGER NOT NULL,
    sla_resolution       INTEGER NOT NULL,
    reopens              INTEGER NOT NULL,
    transfers            INTEGER NOT NULL,
    bot_resolved         INTEGER NOT NULL,
    handed_over          INTEGER NOT NULL,
    claim                INTEGER NOT NULL,
    claim_breached       INTEGER NOT NULL,
    csat                 INTEGER
) STRICT;
CREATE INDEX report_facts_by_created ON report_facts (created_at, ticket_id);

CREATE TABLE report_dirty (
    ticket_id INTEGER PRIMARY KEY,
    stamp     INTEGER NOT NULL
) STRICT;

CREATE TRIGGER report_dirty_on_event AFTER INSERT ON ticket_events
BEGIN
    INSERT INTO report_dirty (ticket_id, stamp) VALUES (NEW.ticket_id, 0)
        ON CONFLICT (ticket_id) DO UPDATE SET stamp = stamp + 1;
END;
CREATE TRIGGER report_dirty_on_message AFTER INSERT ON messages
BEGIN
    INSERT INTO report_dirty (ticket_id, stamp) VALUES (NEW.ticket_id, 0)
        ON CONFLICT (ticket_id) DO UPDATE SET stamp = stamp + 1;
END;
INSERT INTO report_dirty (ticket_id, stamp) SELECT id, 0 FROM tickets;

CREATE INDEX kb_suggestions_helped ON kb_suggestions (feedback_at) WHERE feedback = 'helped';

-- The calls report (issue 11 in issue 14) reads callbacks by creation time;
-- calls by time have phone_calls_by_time (0009).
CREATE INDEX phone_callbacks_by_created ON phone_callbacks (created_at);
