-- Knowledge base, bot feedback and ticket merges (issue 5), SQLite dialect.
-- Keep in step with ../postgres/0004_kb.sql.
--
-- The knowledge base is versioned as a whole: every edit takes the next
-- kb_state.revision in its transaction and stamps the rows it writes with it,
-- so a node catches up by reading the rows stamped after the revision it has.
-- Deleted sections and articles therefore stay as flagged rows.

CREATE TABLE kb_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
) STRICT;
INSERT INTO kb_state (id, revision) VALUES (1, 0);

CREATE TABLE kb_sections (
    code       TEXT PRIMARY KEY,
    line       TEXT NOT NULL,
    name_ru    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    position   INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    revision   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
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
    published  INTEGER NOT NULL CHECK (published IN (0, 1)),
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    revision   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX kb_articles_by_revision ON kb_articles (revision);
CREATE INDEX kb_articles_by_section ON kb_articles (section) WHERE deleted = 0;

-- Every edit of the knowledge base, append-only like ticket_events.
CREATE TABLE kb_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_kind  TEXT NOT NULL,
    actor_id    TEXT,
    action      TEXT NOT NULL,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('section', 'article', 'knowledge_base')),
    target      TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    payload     TEXT NOT NULL, -- JSON: the record after the edit, before it for a deletion
    at          INTEGER NOT NULL
) STRICT;
CREATE TRIGGER kb_events_no_update BEFORE UPDATE ON kb_events
BEGIN
    SELECT RAISE(ABORT, 'kb_events is append-only');
END;
CREATE TRIGGER kb_events_no_delete BEFORE DELETE ON kb_events
BEGIN
    SELECT RAISE(ABORT, 'kb_events is append-only');
END;

-- The articles the bot showed in a conversation, and the customer's verdict.
-- No foreign key to kb_articles: the statistics outlive a deleted article.
CREATE TABLE kb_suggestions (
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
    article_id  TEXT NOT NULL,
    shown_at    INTEGER NOT NULL,
    feedback    TEXT CHECK (feedback IN ('helped', 'not_helped')),
    feedback_at INTEGER,
    PRIMARY KEY (ticket_id, article_id)
) STRICT;
CREATE INDEX kb_suggestions_by_article ON kb_suggestions (article_id);

-- A ticket closed as merged into another while its row exists; unmerging
-- deletes the row and restores previous_status. The audit log keeps both.
CREATE TABLE ticket_merges (
    source_id       INTEGER PRIMARY KEY REFERENCES tickets (id),
    target_id       INTEGER NOT NULL REFERENCES tickets (id),
    previous_status TEXT NOT NULL,
    merged_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX ticket_merges_by_target ON ticket_merges (target_id);
