-- Federation: the inbound event pipeline (server/.../federation/README.md "The inbound event pipeline" and
-- rooms/README.md). SQLite dialect; keep in step with ../postgresql/V11__federation_events.sql.

-- The snapshot of the state before each event (NULL only for outliers and events rejected before their
-- state was known). For a non-state event it equals state_group; served by /state and /state_ids.
ALTER TABLE events ADD COLUMN state_group_before INTEGER;
-- An outlier: an event known without the state around it (an auth event fetched from another server). Its
-- state_group is a placeholder; it is never in the timeline, never an extremity, never a prev event with state.
ALTER TABLE events ADD COLUMN outlier INTEGER NOT NULL DEFAULT 0 CHECK (outlier IN (0, 1));
-- Soft-failed: accepted into the DAG but refused against the current state; never shown to clients and never
-- an extremity.
ALTER TABLE events ADD COLUMN soft_failed INTEGER NOT NULL DEFAULT 0 CHECK (soft_failed IN (0, 1));
UPDATE events SET state_group_before = state_group WHERE state_key IS NULL;
UPDATE events SET state_group_before = COALESCE((SELECT p.state_group FROM event_edges ed
    JOIN events p ON p.event_id = ed.prev_event_id WHERE ed.event_id = events.event_id LIMIT 1), 0)
    WHERE state_key IS NOT NULL;

-- Outliers, soft-failed and rejected events take negative stream orderings from this counter (counting down),
-- so no read by stream position (/sync, /messages, /context) ever sees them.
CREATE TABLE hidden_event_position (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    position INTEGER NOT NULL
);
INSERT INTO hidden_event_position (id, position) VALUES (1, 0);

-- Inbound /send transactions already answered: a replay of (origin, txn_id) gets the stored answer and is
-- not processed again (Server-Server API § Transactions; SECURITY.md item 19).
CREATE TABLE federation_inbound_txns (
    origin      TEXT    NOT NULL,
    txn_id      TEXT    NOT NULL,
    response    TEXT    NOT NULL,
    received_ts INTEGER NOT NULL,
    PRIMARY KEY (origin, txn_id)
);
