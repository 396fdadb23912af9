-- Reports (issue 14): one row of facts per ticket, derived by the domain
-- (`report::ticket_facts`) from the ticket's audit log and message log, and
-- recomputed whenever either log grows. Triggers on the logs mark the ticket
-- dirty in the same transaction as the change; the report worker recomputes
-- dirty tickets and clears a mark only if it has not been bumped since.
CREATE TABLE report_facts (
    ticket_id            BIGINT PRIMARY KEY REFERENCES tickets (id),
    created_at           BIGINT NOT NULL,
    channel              TEXT NOT NULL,
    line                 TEXT NOT NULL,
    topic                TEXT NOT NULL,
    priority             TEXT NOT NULL,
    status               TEXT NOT NULL,
    operator_id          BIGINT,
    first_ms             BIGINT,
    first_biz_ms         BIGINT,
    next_count           BIGINT NOT NULL,
    next_total_ms        BIGINT NOT NULL,
    next_total_biz_ms    BIGINT NOT NULL,
    resolution_ms        BIGINT,
    resolution_biz_ms    BIGINT,
    sla_first            BIGINT NOT NULL, -- 0 not applicable, 1 met, 2 breached
    sla_next             BIGINT NOT NULL,
    sla_resolution       BIGINT NOT NULL,
    reopens              BIGINT NOT NULL,
    transfers            BIGINT NOT NULL,
    bot_resolved         BIGINT NOT NULL,
    handed_over          BIGINT NOT NULL,
    claim                BIGINT NOT NULL,
    claim_breached       BIGINT NOT NULL,
    csat                 BIGINT
);
CREATE INDEX report_facts_by_created ON report_facts (created_at, ticket_id);

CREATE TABLE report_dirty (
    ticket_id BIGINT PRIMARY KEY,
    stamp     BIGINT NOT NULL
);

CREATE FUNCTION report_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_dirty (ticket_id, stamp)
        SELECT DISTINCT ticket_id, 0 FROM new_rows ORDER BY ticket_id
        ON CONFLICT (ticket_id) DO UPDATE SET stamp = report_dirty.stamp + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER report_dirty_on_event AFTER INSERT ON ticket_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_dirty_on_message AFTER INSERT ON messages
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_mark_dirty();
INSERT INTO report_dirty (ticket_id, stamp) SELECT id, 0 FROM tickets;

CREATE INDEX kb_suggestions_helped ON kb_suggestions (feedback_at) WHERE feedback = 'helped';

-- The calls report (issue 11 in issue 14) reads callbacks by creation time;
-- calls by time have phone_calls_by_time (0009).
CREATE INDEX phone_callbacks_by_created ON phone_callbacks (created_at);
