-- The DAG edges keyed by the event's stream ordering. SQLite dialect; keep in step with
-- ../postgresql/V19__event_edges_by_ordering.sql (same table).

-- Every stored event adds a row per prev_event. Keyed by the event ID (a hash), the table's primary key and the
-- index by prev_event_id each took one random leaf page per event: two of the WAL frames every commit writes
-- per message (BENCHMARKS.md, "WAL frames by table"). Keyed by the stream ordering, new rows are appended to
-- the rightmost leaf. No query searches edges by prev_event_id (the next event's prev_events come from
-- room_forward_extremities), so that index is gone; whoever adds such a query adds the index with it.
CREATE TABLE event_edges_by_ordering (
    event_ordering INTEGER NOT NULL REFERENCES events (stream_ordering),
    prev_event_id  TEXT    NOT NULL,
    PRIMARY KEY (event_ordering, prev_event_id)
) WITHOUT ROWID;

INSERT INTO event_edges_by_ordering (event_ordering, prev_event_id)
SELECT e.stream_ordering, x.prev_event_id FROM event_edges x JOIN events e ON e.event_id = x.event_id;

DROP TABLE event_edges;
ALTER TABLE event_edges_by_ordering RENAME TO event_edges;
