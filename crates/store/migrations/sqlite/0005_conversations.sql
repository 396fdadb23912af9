-- The conversation core (issue 8), SQLite dialect. Keep in step with
-- ../postgres/0005_conversations.sql.
--
-- Every channel writes one sequenced message log per ticket (messages.seq,
-- already there); what is new is who may be on the other end, where the
-- conversation runs outside, the outside ids that thread it, and an outbox
-- that carries the whole outbound contract.

-- Someone who wrote through a channel without an account we know (an e-mail
-- sender, a Telegram or VK user, a caller), until linked to one.
CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    locale      TEXT NOT NULL,
    customer_id TEXT,    -- the account it was linked to
    created_at  INTEGER NOT NULL,
    linked_at   INTEGER
) STRICT;
CREATE INDEX contacts_by_customer ON contacts (customer_id) WHERE customer_id IS NOT NULL;

-- An address on a channel (a lower-case e-mail, an E.164 phone, a messenger
-- user id) and whose it is: an account's own, or a contact's.
CREATE TABLE channel_identities (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel     TEXT NOT NULL,
    address     TEXT NOT NULL,
    customer_id TEXT,
    contact_id  INTEGER REFERENCES contacts (id),
    created_at  INTEGER NOT NULL,
    CHECK ((customer_id IS NULL) <> (contact_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX channel_identities_by_address ON channel_identities (channel, address);
CREATE INDEX channel_identities_by_customer ON channel_identities (customer_id)
    WHERE customer_id IS NOT NULL;
CREATE INDEX channel_identities_by_contact ON channel_identities (contact_id)
    WHERE contact_id IS NOT NULL;

-- Every link of a contact to an account: who did it, when. Append-only.
CREATE TABLE contact_links (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id),
    customer_id TEXT NOT NULL,
    actor_kind  TEXT NOT NULL,
    actor_id    TEXT,
    at          INTEGER NOT NULL
) STRICT;
CREATE TRIGGER contact_links_no_update BEFORE UPDATE ON contact_links
BEGIN
    SELECT RAISE(ABORT, 'contact_links is append-only');
END;
CREATE TRIGGER contact_links_no_delete BEFORE DELETE ON contact_links
BEGIN
    SELECT RAISE(ABORT, 'contact_links is append-only');
END;

-- A contact's ticket has contact_id set and customer_id empty; linking the
-- contact moves the ticket to the account.
ALTER TABLE tickets ADD COLUMN contact_id INTEGER REFERENCES contacts (id);
-- Where the conversation runs outside: our endpoint (mailbox, bot, community,
-- number), the requester's address there, the outside thread.
ALTER TABLE tickets ADD COLUMN origin_endpoint TEXT;
ALTER TABLE tickets ADD COLUMN origin_address TEXT;
ALTER TABLE tickets ADD COLUMN origin_thread TEXT;
-- A live conversation (chat, messengers): routed by capacity. Set from the
-- channel when the ticket is opened; the channel never changes.
ALTER TABLE tickets ADD COLUMN live INTEGER NOT NULL DEFAULT 0 CHECK (live IN (0, 1));
UPDATE tickets SET live = 1 WHERE channel IN ('chat', 'telegram', 'vk');
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
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (channel, external_id)
) STRICT;
CREATE INDEX external_messages_by_ticket ON external_messages (ticket_id, seq);

-- The outbox carries the outbound contract: why it goes out, from which of
-- our endpoints, in which outside thread, with which files, delivering which
-- message, and what the provider called it once sent.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'notice';
ALTER TABLE outbox ADD COLUMN endpoint TEXT;
ALTER TABLE outbox ADD COLUMN thread TEXT;
ALTER TABLE outbox ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE outbox ADD COLUMN message_seq INTEGER;
ALTER TABLE outbox ADD COLUMN provider_id TEXT;
UPDATE outbox SET kind = 'step_up_code' WHERE sensitive = 1;
UPDATE outbox SET kind = 'staff_alert' WHERE ticket_id IS NULL AND sensitive = 0;
