-- Messengers (issue 10), sqlite dialect. Keep in step with the other tree.
--
-- Only state that is the channels' own: never messages, tickets or
-- identities, which the conversation core keeps.

-- Small per-endpoint values a channel adapter keeps: the Telegram poll
-- offset, where a chat stands in the bot's menu before its conversation
-- exists.
CREATE TABLE channel_state (
    channel    TEXT NOT NULL,
    endpoint   TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (channel, endpoint, key)
) STRICT;

-- Outside events already handled (a VK Callback API event_id, a Telegram
-- update that carried no message): a redelivery or a replay changes nothing.
CREATE TABLE channel_events (
    channel  TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    event_id TEXT NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (channel, endpoint, event_id)
) STRICT;

-- The buttons a messenger shows under a message (inline keyboard, VK
-- keyboard): rows of {label, data}, JSON.
ALTER TABLE outbox ADD COLUMN buttons TEXT NOT NULL DEFAULT '[]';
