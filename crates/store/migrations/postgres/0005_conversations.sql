-- The conversation core (issue 8), PostgreSQL dialect. Keep in step with
-- ../sqlite/0005_conversations.sql.
--
-- Every channel writes one sequenced message log per ticket (messages.seq,
-- already there); what is new is who may be on the other end, where the
-- conversation runs outside, the outside ids that thread it, and an outbox
-- that carries the whole outbound contract.

-- Someone who wrote through a channel without an account we know (an e-mail
-- sender, a Telegram or VK user, a caller), until linked to one.
CREATE TABLE contacts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT NOT NULL,
    locale      TEXT NOT NULL,
    customer_id TEXT,    -- the account it was linked to
    created_at  BIGINT NOT NULL,
    linked_at   BIGINT
);
CREATE INDEX contacts_by_customer ON contacts (customer_id) WHERE customer_id IS NOT NULL;

-- An address on a channel (a lower-case e-mail, an E.164 phone, a messenger
-- user id) and whose it is: an account's own, or a contact's.
CREATE TABLE channel_identities (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel     TEXT NOT NULL,
    address     TEXT NOT NULL,
    customer_id TEXT,
    contact_id  BIGINT REFERENCES contacts (id),
    created_at  BIGINT NOT NULL,
    CHECK ((customer_id IS NULL) <> (contact_id IS NULL))
);
CREATE UNIQUE INDEX channel_identities_by_address ON channel_identities (channel, address);
CREATE INDEX channel_identities_by_customer ON channel_identities (customer_id)
    WHERE customer_id IS NOT NULL;
CREATE INDEX channel_identities_by_contact ON channel_identities (contact_id)
    WHERE contact_id IS NOT NULL;

-- Every link of a contact to an account: who did it, when. Append-only.
CREATE TABLE contact_links (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id  BIGINT NOT NULL REFERENCES contacts (id),
    customer_id TEXT NOT NULL,
    actor_kind  TEXT NOT NULL,
    actor_id    TEXT,
    at          BIGINT NOT NULL
);
CREATE FUNCTION contact_links_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'contact_links is append-only' USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER contact_links_no_change BEFORE UPDATE OR DELETE ON contact_links
    FOR EACH ROW EXECUTE FUNCTION contact_links_append_only();
CREATE TRIGGER contact_links_no_truncate BEFORE TRUNCATE ON contact_links
    FOR EACH STATEMENT EXECUTE FUNCTION contact_links_append_only();

-- A contact's ticket has contact_id set and customer_id empty; linking the
-- contact moves the ticket to the account.
ALTER TABLE tickets ADD COLUMN contact_id BIGINT REFERENCES contacts (id);
-- Where the conversation runs outside: our endpoint (mailbox, bot, community,
-- number), the requester's address there, the outside thread.
ALTER TABLE tickets ADD COLUMN origin_endpoint TEXT;
ALTER TABLE tickets ADD COLUMN origin_address TEXT;
ALTER TABLE tickets ADD COLUMN origin_thread TEXT;
-- A live conversation (chat, messengers): routed by capacity. Set from the
-- channel when the ticket is opened; the channel never changes.
ALTER TABLE tickets ADD COLUMN live BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE tickets SET live = TRUE WHERE channel IN ('chat', 'telegram', 'vk');
CREATE INDEX tickets_by_contact ON tickets (contact_id, id DESC) WHERE contact_id IS NOT NULL;
CREATE INDEX tickets_by_thread ON tickets (channel, origin_endpoint, origin_thread)
    WHERE origin_thread IS NOT NULL;
DROP INDEX tickets_chat_queue;
CREATE INDEX tickets_live_queue ON tickets (live, status, id);

-- Outside ids of messages (an e-mail's Message-ID, a messenger's update or
-- message id, the id a provider gave a reply we sent): a redelivery is
-- recognised, and a reply quoting one finds its conversation.
CREATE TABLE external_messages (
    channel     TEXT NOT NULL,
    external_id TEXT NOT NULL,
    ticket_id   BIGINT NOT NULL REFERENCES tickets (id),
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    PRIMARY KEY (channel, external_id)
);
CREATE INDEX external_messages_by_ticket ON external_messages (ticket_id, seq);

-- The outbox carries the outbound contract: why it goes out, from which of
-- our endpoints, in which outside thread, with which files, delivering which
-- message, and what the provider called it once sent.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'notice';
ALTER TABLE outbox ADD COLUMN endpoint TEXT;
ALTER TABLE outbox ADD COLUMN thread TEXT;
ALTER TABLE outbox ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE outbox ADD COLUMN message_seq BIGINT;
ALTER TABLE outbox ADD COLUMN provider_id TEXT;
UPDATE outbox SET kind = 'step_up_code' WHERE sensitive;
UPDATE outbox SET kind = 'staff_alert' WHERE ticket_id IS NULL AND NOT sensitive;
