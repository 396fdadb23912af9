-- The configuration (issue 12): catalog, SLA policies, calendars and
-- priority rules, each kept as numbered versions of its TOML text. The
-- profile's files are version 1 of each. `config_head.revision` counts
-- every change to any document: a node polls it, and a change is saved only
-- against the revision it was validated with, so what is live was always
-- validated as a whole.
CREATE TABLE config_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
) STRICT;
INSERT INTO config_head (id, revision) VALUES (1, 0);

CREATE TABLE config_versions (
    doc          TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version > 0),
    revision     INTEGER NOT NULL,
    body         TEXT NOT NULL,
    author_id    INTEGER REFERENCES operators (id), -- none: the profile's seed
    author_login TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (doc, version)
) STRICT;
CREATE INDEX config_versions_by_revision ON config_versions (revision);
CREATE TRIGGER config_versions_no_update BEFORE UPDATE ON config_versions
BEGIN
    SELECT RAISE(ABORT, 'config_versions is append-only');
END;
CREATE TRIGGER config_versions_no_delete BEFORE DELETE ON config_versions
BEGIN
    SELECT RAISE(ABORT, 'config_versions is append-only');
END;
