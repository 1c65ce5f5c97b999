-- Room aliases, the published room directory and user profiles. SQLite dialect; keep in step with
-- ../postgresql/V7__aliases_directory_profile.sql (same tables, columns and constraints).

-- Local room aliases (Client-Server API § Room aliases): #alias:our.server -> room ID, with who made it
-- (the creator may always delete it).
CREATE TABLE room_aliases (
    room_alias TEXT    NOT NULL PRIMARY KEY,
    room_id    TEXT    NOT NULL,
    creator    TEXT    NOT NULL,
    created_ts INTEGER NOT NULL                     -- milliseconds since the epoch
);
CREATE INDEX room_aliases_room ON room_aliases (room_id);

-- Rooms published in this server's room directory (visibility "public"); absent: "private".
CREATE TABLE published_rooms (
    room_id      TEXT    NOT NULL PRIMARY KEY,
    published_ts INTEGER NOT NULL                   -- milliseconds since the epoch
);

-- A local user's profile (Client-Server API § Profiles). A user with no row has the default profile: the
-- displayname is the localpart, as Synapse sets at registration; NULL: the field is not set.
CREATE TABLE profiles (
    user_id     TEXT NOT NULL PRIMARY KEY,
    displayname TEXT,
    avatar_url  TEXT
);
