-- Staff sign-in hardening (issue 16), SQLite dialect. Keep in step with
-- ../postgres/0006_sign_in.sql.

-- Every sign-in, failure and staff-account change. Evidence: append-only.
CREATE TABLE staff_audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    operator_id INTEGER,          -- the account; none for a login that names no account
    login       TEXT NOT NULL,    -- as given
    actor_id    INTEGER,          -- who made the change, when not the account holder
    address     TEXT,             -- the client's IP address
    detail      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX staff_audit_by_operator ON staff_audit (operator_id, id);
CREATE TRIGGER staff_audit_no_update BEFORE UPDATE ON staff_audit
BEGIN
    SELECT RAISE(ABORT, 'staff_audit is append-only');
END;
CREATE TRIGGER staff_audit_no_delete BEFORE DELETE ON staff_audit
BEGIN
    SELECT RAISE(ABORT, 'staff_audit is append-only');
END;

-- Failed sign-ins per key ('account:<login>', 'address:<ip>'), for lockout and backoff.
CREATE TABLE sign_in_failures (
    key            TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL,
    last_failed_at INTEGER NOT NULL,
    locked_until   INTEGER
) STRICT;

-- A session signed in with a password only, while a second factor is
-- required but not enrolled: it may enrol one and nothing else.
ALTER TABLE sessions ADD COLUMN enrolment_only INTEGER NOT NULL DEFAULT 0
    CHECK (enrolment_only IN (0, 1));

-- TOTP (RFC 6238): the shared secret (hex), when enrolment was confirmed,
-- and the last time step accepted (a code is good once).
ALTER TABLE operators ADD COLUMN totp_secret TEXT;
ALTER TABLE operators ADD COLUMN totp_enabled_at INTEGER;
ALTER TABLE operators ADD COLUMN totp_last_step INTEGER;

-- One-time recovery codes, kept as SHA-256 hashes.
CREATE TABLE recovery_codes (
    operator_id INTEGER NOT NULL REFERENCES operators (id),
    code_hash   TEXT NOT NULL,
    used_at     INTEGER,
    PRIMARY KEY (operator_id, code_hash)
) STRICT;
