-- Staff sign-in hardening (issue 16), PostgreSQL dialect. Keep in step with
-- ../sqlite/0006_sign_in.sql.

-- Every sign-in, failure and staff-account change. Evidence: append-only.
CREATE TABLE staff_audit (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    operator_id BIGINT,           -- the account; none for a login that names no account
    login       TEXT NOT NULL,    -- as given
    actor_id    BIGINT,           -- who made the change, when not the account holder
    address     TEXT,             -- the client's IP address
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX staff_audit_by_operator ON staff_audit (operator_id, id);
CREATE FUNCTION staff_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'staff_audit is append-only' USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER staff_audit_no_change BEFORE UPDATE OR DELETE ON staff_audit
    FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only();
CREATE TRIGGER staff_audit_no_truncate BEFORE TRUNCATE ON staff_audit
    FOR EACH STATEMENT EXECUTE FUNCTION staff_audit_append_only();

-- Failed sign-ins per key ('account:<login>', 'address:<ip>'), for lockout and backoff.
CREATE TABLE sign_in_failures (
    key            TEXT PRIMARY KEY,
    failures       BIGINT NOT NULL,
    last_failed_at BIGINT NOT NULL,
    locked_until   BIGINT
);

-- A session signed in with a password only, while a second factor is
-- required but not enrolled: it may enrol one and nothing else.
ALTER TABLE sessions ADD COLUMN enrolment_only BOOLEAN NOT NULL DEFAULT FALSE;

-- TOTP (RFC 6238): the shared secret (hex), when enrolment was confirmed,
-- and the last time step accepted (a code is good once).
ALTER TABLE operators ADD COLUMN totp_secret TEXT;
ALTER TABLE operators ADD COLUMN totp_enabled_at BIGINT;
ALTER TABLE operators ADD COLUMN totp_last_step BIGINT;

-- One-time recovery codes, kept as SHA-256 hashes.
CREATE TABLE recovery_codes (
    operator_id BIGINT NOT NULL REFERENCES operators (id),
    code_hash   TEXT NOT NULL,
    used_at     BIGINT,
    PRIMARY KEY (operator_id, code_hash)
);
