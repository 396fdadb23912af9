-- Linking a messenger account from the cabinet (issue 10), postgres dialect.
-- Keep in step with the other tree.

-- One-time codes a signed-in customer sends to a bot: only a code's SHA-256
-- is kept; a code is used once, before it expires; a new code replaces the
-- customer's unused ones.
CREATE TABLE link_codes (
    code_hash   TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX link_codes_by_customer ON link_codes (customer_id);

-- contact_links also records unlinking (still append-only).
ALTER TABLE contact_links ADD COLUMN action TEXT NOT NULL DEFAULT 'link';
