-- Federation, the outbound side (federation.sender). PostgreSQL dialect; keep in step with
-- ../sqlite/V13__federation_outbound.sql (same tables, columns and constraints).

-- How far each local stream has been turned into queued work for other servers: 'pdus' (room events),
-- 'receipts' (m.receipt), 'device_lists' (m.device_list_update / m.signing_key_update). Starts at the current
-- position: history from before this migration is not sent.
CREATE TABLE federation_outbound_cursors (
    name     TEXT    NOT NULL PRIMARY KEY,
    position BIGINT NOT NULL
);
INSERT INTO federation_outbound_cursors (name, position) SELECT 'pdus', position FROM stream_position;
INSERT INTO federation_outbound_cursors (name, position) SELECT 'receipts', position FROM stream_position;
INSERT INTO federation_outbound_cursors (name, position) SELECT 'device_lists', position FROM stream_position;

-- Locally created events waiting to be sent to a destination, in stream order; deleted after a 200.
CREATE TABLE federation_queued_pdus (
    destination     TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    stream_ordering BIGINT NOT NULL,
    PRIMARY KEY (destination, event_id)
);
CREATE INDEX federation_queued_pdus_order ON federation_queued_pdus (destination, stream_ordering);

-- Durable EDUs (receipts, device lists, signing keys, to-device) waiting for a destination; deleted after a 200.
CREATE TABLE federation_queued_edus (
    id          BIGSERIAL PRIMARY KEY,
    destination TEXT    NOT NULL,
    edu_type    TEXT    NOT NULL,
    content     TEXT    NOT NULL
);
CREATE INDEX federation_queued_edus_destination ON federation_queued_edus (destination, id);

-- Per destination: the backoff state and the last transaction ID used.
CREATE TABLE federation_destinations (
    destination     TEXT    NOT NULL PRIMARY KEY,
    retry_count     BIGINT NOT NULL DEFAULT 0,
    next_attempt_ts BIGINT NOT NULL DEFAULT 0,   -- milliseconds since the epoch; 0: now
    last_txn_id     BIGINT NOT NULL DEFAULT 0
);

-- The devices last announced to other servers per local user: a device missing from the next announcement is
-- sent as deleted.
CREATE TABLE federation_announced_devices (
    user_id   TEXT NOT NULL,
    device_id TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);
