-- Knowledge base, bot feedback and ticket merges (issue 5), PostgreSQL dialect.
-- Keep in step with ../sqlite/0004_kb.sql.
--
-- The knowledge base is versioned as a whole: every edit takes the next
-- kb_state.revision in its transaction (which row-locks it until commit, so
-- revisions become visible in order) and stamps the rows it writes with it;
-- a node catches up by reading the rows stamped after the revision it has.
-- Deleted sections and articles therefore stay as flagged rows.

CREATE TABLE kb_state (
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO kb_state (id, revision) VALUES (1, 0);

CREATE TABLE kb_sections (
    code       TEXT PRIMARY KEY,
    line       TEXT NOT NULL,
    name_ru    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    position   BIGINT NOT NULL,
    deleted    BOOLEAN NOT NULL DEFAULT FALSE,
    revision   BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX kb_sections_by_revision ON kb_sections (revision);

CREATE TABLE kb_articles (
    id         TEXT PRIMARY KEY,
    section    TEXT NOT NULL REFERENCES kb_sections (code),
    topics     TEXT NOT NULL, -- JSON array of "line/topic"
    title_ru   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    body_ru    TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    keywords   TEXT NOT NULL, -- JSON array of strings
    published  BOOLEAN NOT NULL,
    deleted    BOOLEAN NOT NULL DEFAULT FALSE,
    revision   BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX kb_articles_by_revision ON kb_articles (revision);
CREATE INDEX kb_articles_by_section ON kb_articles (section) WHERE NOT deleted;

-- Every edit of the knowledge base, append-only like ticket_events.
CREATE TABLE kb_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_kind  TEXT NOT NULL,
    actor_id    TEXT,
    action      TEXT NOT NULL,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('section', 'article', 'knowledge_base')),
    target      TEXT NOT NULL,
    revision    BIGINT NOT NULL,
    payload     TEXT NOT NULL, -- JSON: the record after the edit, before it for a deletion
    at          BIGINT NOT NULL
);
CREATE FUNCTION kb_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'kb_events is append-only' USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER kb_events_no_change BEFORE UPDATE OR DELETE ON kb_events
    FOR EACH ROW EXECUTE FUNCTION kb_events_append_only();
CREATE TRIGGER kb_events_no_truncate BEFORE TRUNCATE ON kb_events
    FOR EACH STATEMENT EXECUTE FUNCTION kb_events_append_only();

-- The articles the bot showed in a conversation, and the customer's verdict.
-- No foreign key to kb_articles: the statistics outlive a deleted article.
CREATE TABLE kb_suggestions (
    ticket_id   BIGINT NOT NULL REFERENCES tickets (id),
    article_id  TEXT NOT NULL,
    shown_at    BIGINT NOT NULL,
    feedback    TEXT CHECK (feedback IN ('helped', 'not_helped')),
    feedback_at BIGINT,
    PRIMARY KEY (ticket_id, article_id)
);
CREATE INDEX kb_suggestions_by_article ON kb_suggestions (article_id);

-- A ticket closed as merged into another while its row exists; unmerging
-- deletes the row and restores previous_status. The audit log keeps both.
CREATE TABLE ticket_merges (
    source_id       BIGINT PRIMARY KEY REFERENCES tickets (id),
    target_id       BIGINT NOT NULL REFERENCES tickets (id),
    previous_status TEXT NOT NULL,
    merged_at       BIGINT NOT NULL
);
CREATE INDEX ticket_merges_by_target ON ticket_merges (target_id);
