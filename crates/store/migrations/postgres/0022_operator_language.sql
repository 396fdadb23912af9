-- A member of staff's language for the pages and the alerts mailed to them
-- (issue 12: Russian by default, English by choice, per user). NULL: not
-- chosen yet, so Russian, or whatever the browser chose before sign-in.
ALTER TABLE operators ADD COLUMN language TEXT;
