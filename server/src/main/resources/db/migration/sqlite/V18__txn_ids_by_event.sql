-- Transaction IDs by event. SQLite dialect; keep in step with ../postgresql/V18__txn_ids_by_event.sql (same index).

-- A device's own events are served with unsigned.transaction_id (rooms.ServedEvents, StreamStore.txnIds): the
-- lookup names the user, device, room and event IDs. The primary key ends in txn_id, so with it alone the lookup
-- read every transaction of the device in the room: a cost that grew with the device's history in the room, to
-- ~400 page reads per message after 100 s of load (BENCHMARKS.md, "Transaction IDs by event").
CREATE INDEX txn_ids_event ON txn_ids (user_id, device_id, room_id, event_id);
