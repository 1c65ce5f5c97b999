-- Accounts: users, their devices and the devices' access tokens. SQLite dialect; keep in step with
-- ../postgresql/V1__accounts.sql (same tables, columns and constraints).

CREATE TABLE users (
    user_id       TEXT    NOT NULL PRIMARY KEY,
    -- Argon2id PHC string; NULL for accounts that cannot log in with a password.
    password_hash TEXT,
    created_ts    INTEGER NOT NULL,                 -- milliseconds since the epoch
    deactivated   INTEGER NOT NULL DEFAULT 0 CHECK (deactivated IN (0, 1)),
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1))
);

CREATE TABLE devices (
    user_id      TEXT    NOT NULL REFERENCES users (user_id),
    device_id    TEXT    NOT NULL,
    display_name TEXT,
    last_seen_ts INTEGER,                           -- milliseconds since the epoch; NULL: never seen
    PRIMARY KEY (user_id, device_id)
);

-- Only the SHA-256 of each token is stored: a leaked database does not leak usable tokens.
CREATE TABLE access_tokens (
    token_hash BLOB    NOT NULL PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    TEXT    NOT NULL,
    device_id  TEXT    NOT NULL,
    created_ts INTEGER NOT NULL,
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id)
);

CREATE INDEX access_tokens_device ON access_tokens (user_id, device_id);
