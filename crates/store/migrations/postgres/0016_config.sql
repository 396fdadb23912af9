-- The configuration (issue 12): catalog, SLA policies, calendars and
-- priority rules, each kept as numbered versions of its TOML text. The
-- profile's files are version 1 of each. `config_head.revision` counts
-- every change to any document: a node polls it, and a change is saved only
-- against the revision it was validated with, so what is live was always
-- validated as a whole.
CREATE TABLE config_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO config_head (id, revision) VALUES (1, 0);

CREATE TABLE config_versions (
    doc          TEXT NOT NULL,
    version      BIGINT NOT NULL CHECK (version > 0),
    revision     BIGINT NOT NULL,
    body         TEXT NOT NULL,
    author_id    BIGINT REFERENCES operators (id), -- none: the profile's seed
    author_login TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (doc, version)
);
CREATE INDEX config_versions_by_revision ON config_versions (revision);
CREATE FUNCTION config_versions_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'config_versions is append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER config_versions_no_change BEFORE UPDATE OR DELETE ON config_versions
    FOR EACH ROW EXECUTE FUNCTION config_versions_append_only();
CREATE TRIGGER config_versions_no_truncate BEFORE TRUNCATE ON config_versions
    FOR EACH STATEMENT EXECUTE FUNCTION config_versions_append_only();
