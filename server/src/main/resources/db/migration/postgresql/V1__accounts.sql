-- Accounts: users, their devices and the devices' access tokens. PostgreSQL dialect; keep in step with
-- ../sqlite/V1__accounts.sql (same tables, columns and constraints).

CREATE TABLE users (
    user_id       TEXT    NOT NULL PRIMARY KEY,
    -- Argon2id PHC string; NULL for accounts that cannot log in with a password.
    password_hash TEXT,
    created_ts    BIGINT  NOT NULL,                 -- milliseconds since the epoch
    deactivated   BOOLEAN NOT NULL DEFAULT FALSE,
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE devices (
    user_id      TEXT   NOT NULL REFERENCES users (user_id),
    device_id    TEXT   NOT NULL,
    display_name TEXT,
    last_seen_ts BIGINT,                            -- milliseconds since the epoch; NULL: never seen
    PRIMARY KEY (user_id, device_id)
);

-- Only the SHA-256 of each token is stored: a leaked database does not leak usable tokens.
CREATE TABLE access_tokens (
    token_hash BYTEA  NOT NULL PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id    TEXT   NOT NULL,
    device_id  TEXT   NOT NULL,
    created_ts BIGINT NOT NULL,
    FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id)
);

CREATE INDEX access_tokens_device ON access_tokens (user_id, device_id);
