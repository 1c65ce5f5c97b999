-- Membership across servers (rooms.RemoteRoomStore). PostgreSQL dialect; keep in step with
-- ../sqlite/V12__remote_membership.sql.

-- Outliers (the state and auth chain a remote join brings, events we hold without their place in the DAG)
-- take numbers from this counter, which goes down from -1: events.stream_ordering is also an event's
-- numeric ID in state snapshots, and a negative one never falls in a /sync or /messages range.
CREATE TABLE outlier_position (
    id       BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    position BIGINT NOT NULL
);
INSERT INTO outlier_position (id, position) VALUES (1, 0);

-- The stripped room state a remote server sent with an invite of one of our users (Server-Server API
-- § Inviting to a room, invite_room_state), shown in that user's /sync under rooms.invite.
CREATE TABLE invite_room_state (
    event_id    TEXT NOT NULL PRIMARY KEY REFERENCES events (event_id),
    room_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    state_json  TEXT NOT NULL                 -- a JSON array of stripped state events
);
