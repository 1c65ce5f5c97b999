-- Rooms and their events. PostgreSQL dialect; keep in step with ../sqlite/V2__rooms.sql (same tables,
-- columns and constraints). See server/.../rooms/README.md for how state is stored.

-- The global stream position: one row, incremented by every transaction that persists events. Its row lock
-- (PostgreSQL) or the single writer (SQLite) makes positions become visible in commit order, which /sync needs.
CREATE TABLE stream_position (
    id       BIGINT  NOT NULL PRIMARY KEY CHECK (id = 1),
    position BIGINT  NOT NULL
);
INSERT INTO stream_position (id, position) VALUES (1, 0);

-- (type, state_key) pairs interned to numbers: state snapshots refer to them by id.
CREATE TABLE state_keys (
    id        BIGSERIAL PRIMARY KEY,
    type      TEXT    NOT NULL,
    state_key TEXT    NOT NULL,
    UNIQUE (type, state_key)
);

-- A state snapshot is its prev_group's entries overlaid with its own (a delta); prev_group NULL: a full snapshot.
-- chain_length counts the deltas down to the last full snapshot, which bounds how far a read walks.
CREATE TABLE state_groups (
    id           BIGSERIAL PRIMARY KEY,
    room_id      TEXT    NOT NULL,
    prev_group   BIGINT  REFERENCES state_groups (id),
    chain_length BIGINT  NOT NULL
);

-- Entries of a snapshot: state key id -> the event's stream_ordering (the event's numeric id).
CREATE TABLE state_group_entries (
    state_group     BIGINT  NOT NULL REFERENCES state_groups (id),
    state_key_id    BIGINT  NOT NULL REFERENCES state_keys (id),
    event_ordering  BIGINT  NOT NULL,
    PRIMARY KEY (state_group, state_key_id)
);

CREATE TABLE rooms (
    room_id     TEXT    NOT NULL PRIMARY KEY,
    version     TEXT    NOT NULL,
    creator     TEXT    NOT NULL,
    created_ts  BIGINT  NOT NULL,                    -- milliseconds since the epoch
    state_group BIGINT  NOT NULL REFERENCES state_groups (id)   -- the current state's snapshot
);

CREATE TABLE events (
    event_id         TEXT    NOT NULL PRIMARY KEY,
    -- The global position assigned at commit; also the event's numeric id in state snapshots.
    stream_ordering  BIGINT  NOT NULL UNIQUE,
    room_id          TEXT    NOT NULL REFERENCES rooms (room_id),
    depth            BIGINT  NOT NULL,
    type             TEXT    NOT NULL,
    state_key        TEXT,                           -- NULL: not a state event
    sender           TEXT    NOT NULL,
    origin_server_ts BIGINT  NOT NULL,
    json             TEXT    NOT NULL,               -- the PDU as canonical JSON
    rejected         BOOLEAN NOT NULL DEFAULT FALSE,
    state_group      BIGINT  NOT NULL REFERENCES state_groups (id)   -- the state after this event
);
CREATE INDEX events_room ON events (room_id, stream_ordering);

CREATE TABLE event_edges (
    event_id      TEXT NOT NULL REFERENCES events (event_id),
    prev_event_id TEXT NOT NULL,
    PRIMARY KEY (event_id, prev_event_id)
);
CREATE INDEX event_edges_prev ON event_edges (prev_event_id);

-- Events of the room with no successor yet: the prev_events of the next event.
CREATE TABLE room_forward_extremities (
    room_id  TEXT NOT NULL REFERENCES rooms (room_id),
    event_id TEXT NOT NULL REFERENCES events (event_id),
    PRIMARY KEY (room_id, event_id)
);

-- The room's current state, flat, for quick lookups; membership is copied out of m.room.member content.
CREATE TABLE current_state (
    room_id    TEXT NOT NULL REFERENCES rooms (room_id),
    type       TEXT NOT NULL,
    state_key  TEXT NOT NULL,
    event_id   TEXT NOT NULL REFERENCES events (event_id),
    membership TEXT,
    PRIMARY KEY (room_id, type, state_key)
);
CREATE INDEX current_state_members ON current_state (state_key, membership) WHERE type = 'm.room.member';

-- Client transaction IDs, so that a retried send answers with the first event (spec § Transaction identifiers:
-- scoped to a device and an endpoint; like Synapse we read the endpoint as the path, which names the room).
CREATE TABLE txn_ids (
    user_id    TEXT    NOT NULL,
    device_id  TEXT    NOT NULL,
    room_id    TEXT    NOT NULL,
    txn_id     TEXT    NOT NULL,
    event_id   TEXT    NOT NULL REFERENCES events (event_id),
    created_ts BIGINT  NOT NULL,
    PRIMARY KEY (user_id, device_id, room_id, txn_id)
);
