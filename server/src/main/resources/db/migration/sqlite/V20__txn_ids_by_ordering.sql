-- Transaction IDs found by the event's stream ordering. SQLite dialect; keep in step with
-- ../postgresql/V20__txn_ids_by_ordering.sql (same columns and index).

-- A device's own events are served with unsigned.transaction_id (rooms.ServedEvents, StreamStore.txnIds). V18
-- indexed txn_ids by (user, device, room, event_id): within each device's range a random place per send (the
-- event ID is a hash), two WAL frames per message under load (BENCHMARKS.md, "WAL frames by table"). The
-- lookup now goes from the event ID to the event's stream ordering (the events table's own index) and from
-- there to its transaction: an index by ordering, where new rows are appended. The table is rebuilt without
-- a rowid: its primary key (user, device, room, txn_id), the idempotency lookup, is the table itself.
CREATE TABLE txn_ids_by_ordering (
    user_id        TEXT    NOT NULL,
    device_id      TEXT    NOT NULL,
    room_id        TEXT    NOT NULL,
    txn_id         TEXT    NOT NULL,
    event_id       TEXT    NOT NULL REFERENCES events (event_id),
    event_ordering INTEGER NOT NULL REFERENCES events (stream_ordering),
    created_ts     INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id, room_id, txn_id)
) WITHOUT ROWID;

INSERT INTO txn_ids_by_ordering (user_id, device_id, room_id, txn_id, event_id, event_ordering, created_ts)
SELECT t.user_id, t.device_id, t.room_id, t.txn_id, t.event_id, e.stream_ordering, t.created_ts
FROM txn_ids t JOIN events e ON e.event_id = t.event_id;

DROP TABLE txn_ids;
ALTER TABLE txn_ids_by_ordering RENAME TO txn_ids;
CREATE INDEX txn_ids_ordering ON txn_ids (event_ordering);
