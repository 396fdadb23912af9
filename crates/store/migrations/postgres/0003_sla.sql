-- Routing, priorities and deadlines (issue 4), PostgreSQL dialect. Keep in step
-- with ../sqlite/0003_sla.sql.
--
-- A ticket's SLA clock is stored with it as JSON (the domain's TicketSla:
-- the policy code and one pausable clock per target, with the flags saying
-- which escalations were raised). It changes only through save_change, under
-- the ticket's version, so an escalation is raised once even with several
-- nodes: the second node's change is computed from a stale version and
-- refused. due_at (already there) and at_risk_at mirror the clock's next
-- deadline, so lists can filter on them without decoding the JSON.

ALTER TABLE tickets ADD COLUMN at_risk_at BIGINT;
ALTER TABLE tickets ADD COLUMN priority_rule TEXT;
ALTER TABLE tickets ADD COLUMN sla TEXT;
-- The supervisors' at-risk / breached list and the deadline worker's rebuild.
CREATE INDEX tickets_by_at_risk ON tickets (at_risk_at) WHERE at_risk_at IS NOT NULL;

-- Staff notifications are e-mailed to this address when set.
ALTER TABLE operators ADD COLUMN email TEXT;
-- The shift calendar (a calendars.toml code); NULL: always on shift.
ALTER TABLE operators ADD COLUMN calendar TEXT;

-- Notifications for staff (a deadline at risk or breached), kept so a
-- supervisor who was not connected sees them later.
CREATE TABLE staff_alerts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operator_id BIGINT NOT NULL REFERENCES operators (id),
    ticket_id   BIGINT REFERENCES tickets (id),
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL, -- JSON of the TicketEvent
    created_at  BIGINT NOT NULL
);
CREATE INDEX staff_alerts_by_operator ON staff_alerts (operator_id, id DESC);
