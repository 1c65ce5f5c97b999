-- Per-user and per-room side channels of /sync: receipts, account data (tags, read markers), push rules and
-- uploaded filters. PostgreSQL dialect; keep in step with ../sqlite/V5__account_data.sql (same tables, columns
-- and constraints). Typing notifications are in memory only. stream_position columns take their values from the
-- global counter (stream_position table, V2), inside the writing transaction.

-- The latest receipt of each (room, type, user, thread): receipts are "up to" markers, so older ones are replaced.
CREATE TABLE receipts (
    room_id         TEXT    NOT NULL,
    receipt_type    TEXT    NOT NULL,                 -- m.read or m.read.private
    user_id         TEXT    NOT NULL,
    thread_id       TEXT    NOT NULL,                 -- '' for an unthreaded receipt
    event_id        TEXT    NOT NULL,
    event_ordering  BIGINT  NOT NULL,                 -- the event's stream_ordering: "ahead" means greater
    ts              BIGINT  NOT NULL,                 -- milliseconds since the epoch
    stream_position BIGINT  NOT NULL,
    PRIMARY KEY (room_id, receipt_type, user_id, thread_id)
);
CREATE INDEX receipts_stream ON receipts (stream_position);

-- Account data, global (room_id '') and per room; content is the client's JSON object (floats allowed).
CREATE TABLE account_data (
    user_id         TEXT    NOT NULL,
    room_id         TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    content         TEXT    NOT NULL,
    stream_position BIGINT  NOT NULL,
    PRIMARY KEY (user_id, room_id, type)
);
CREATE INDEX account_data_stream ON account_data (user_id, stream_position);

-- User-defined push rules; priority orders rules of one kind (greater: more important).
CREATE TABLE push_rules (
    user_id  TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    rule_id  TEXT    NOT NULL,
    priority BIGINT  NOT NULL,
    rule     TEXT    NOT NULL,                        -- JSON: actions and conditions or pattern
    enabled  BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind, rule_id)
);

-- A user's changes to server-default rules: NULL keeps the default.
CREATE TABLE push_rule_defaults (
    user_id TEXT NOT NULL,
    kind    TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    enabled BOOLEAN,
    actions TEXT,
    PRIMARY KEY (user_id, kind, rule_id)
);

-- When a user's push rules last changed, so /sync sends m.push_rules again.
CREATE TABLE push_rules_stream (
    user_id         TEXT    NOT NULL PRIMARY KEY,
    stream_position BIGINT  NOT NULL
);

-- Uploaded filters: numbered per user from 0; the same filter uploaded again gets the same ID.
CREATE TABLE filters (
    user_id   TEXT    NOT NULL,
    filter_id BIGINT  NOT NULL,
    json      TEXT    NOT NULL,                       -- canonical JSON
    PRIMARY KEY (user_id, filter_id)
);
