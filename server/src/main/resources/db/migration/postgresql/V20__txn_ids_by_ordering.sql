-- Transaction IDs found by the event's stream ordering. PostgreSQL dialect; keep in step with
-- ../sqlite/V20__txn_ids_by_ordering.sql (same columns and index).

-- A device's own events are served with unsigned.transaction_id (rooms.ServedEvents, StreamStore.txnIds). V18
-- indexed txn_ids by (user, device, room, event_id): within each device's range a random place per send (the
-- event ID is a hash). The lookup now goes from the event ID to the event's stream ordering (the events
-- table's own index) and from there to its transaction: an index by ordering, where new rows are appended.
ALTER TABLE txn_ids ADD COLUMN event_ordering BIGINT REFERENCES events (stream_ordering);
UPDATE txn_ids t SET event_ordering = e.stream_ordering FROM events e WHERE e.event_id = t.event_id;
DELETE FROM txn_ids WHERE event_ordering IS NULL;
ALTER TABLE txn_ids ALTER COLUMN event_ordering SET NOT NULL;
DROP INDEX txn_ids_event;
CREATE INDEX txn_ids_ordering ON txn_ids (event_ordering);
