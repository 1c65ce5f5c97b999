-- Redactions, relations between events, forgotten rooms. PostgreSQL dialect; keep in step with
-- ../sqlite/V6__redactions_relations.sql. See server/.../rooms/README.md.

-- Which event each m.room.redaction redacts (the redacted event may be unknown yet). Applied when events are
-- served, only to an event of the same room (Client-Server API § Redactions).
CREATE TABLE redactions (
    event_id        TEXT    NOT NULL PRIMARY KEY REFERENCES events (event_id),
    redacts         TEXT    NOT NULL,
    room_id         TEXT    NOT NULL REFERENCES rooms (room_id),
    stream_ordering BIGINT  NOT NULL
);
CREATE INDEX redactions_redacts ON redactions (redacts);

-- A child event's content.m.relates_to (rel_type, event_id), indexed when it is stored; a redaction of the
-- child deletes its row (the relationship is broken: Client-Server API § Aggregations of child events).
CREATE TABLE event_relations (
    event_id        TEXT    NOT NULL PRIMARY KEY REFERENCES events (event_id),
    relates_to      TEXT    NOT NULL,
    rel_type        TEXT    NOT NULL,
    room_id         TEXT    NOT NULL REFERENCES rooms (room_id),
    type            TEXT    NOT NULL,
    sender          TEXT    NOT NULL,
    stream_ordering BIGINT  NOT NULL
);
CREATE INDEX event_relations_parent ON event_relations (relates_to, stream_ordering);
CREATE INDEX event_relations_threads ON event_relations (room_id, rel_type, stream_ordering);

-- Rooms a user forgot after leaving (POST /forget); a later member event for the user deletes the row.
CREATE TABLE forgotten_rooms (
    user_id TEXT NOT NULL,
    room_id TEXT NOT NULL REFERENCES rooms (room_id),
    PRIMARY KEY (user_id, room_id)
);

-- A user's member events by position: memberships as of a sync's position, /members?at.
CREATE INDEX events_state_key ON events (state_key, type, stream_ordering);

-- Backfill from events stored before this migration (the same rules as rooms.EventIndexes).
INSERT INTO redactions (event_id, redacts, room_id, stream_ordering)
SELECT event_id, COALESCE((json::jsonb) #>> '{content,redacts}', (json::jsonb) ->> 'redacts'), room_id,
       stream_ordering
FROM events
WHERE type = 'm.room.redaction' AND state_key IS NULL AND NOT rejected
  AND COALESCE(jsonb_typeof((json::jsonb) #> '{content,redacts}'), jsonb_typeof((json::jsonb) -> 'redacts'))
      = 'string';

INSERT INTO event_relations (event_id, relates_to, rel_type, room_id, type, sender, stream_ordering)
SELECT e.event_id, (e.json::jsonb) #>> '{content,m.relates_to,event_id}',
       (e.json::jsonb) #>> '{content,m.relates_to,rel_type}', e.room_id, e.type, e.sender, e.stream_ordering
FROM events e
WHERE NOT e.rejected
  AND jsonb_typeof((e.json::jsonb) #> '{content,m.relates_to,event_id}') = 'string'
  AND jsonb_typeof((e.json::jsonb) #> '{content,m.relates_to,rel_type}') = 'string'
  AND NOT EXISTS (SELECT 1 FROM redactions r WHERE r.redacts = e.event_id AND r.room_id = e.room_id);
