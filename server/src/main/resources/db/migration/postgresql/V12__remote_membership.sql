-- Membership across servers (rooms.RemoteRoomStore). PostgreSQL dialect; keep in step with
-- ../sqlite/V12__remote_membership.sql.

-- Outliers (the state and auth chain a remote join brings) take negative numbers from V11's
-- hidden_event_position, like the inbound pipeline's hidden events.

-- The stripped room state a remote server sent with an invite of one of our users (Server-Server API
-- § Inviting to a room, invite_room_state), shown in that user's /sync under rooms.invite.
CREATE TABLE invite_room_state (
    event_id    TEXT NOT NULL PRIMARY KEY REFERENCES events (event_id),
    room_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    state_json  TEXT NOT NULL                 -- a JSON array of stripped state events
);
