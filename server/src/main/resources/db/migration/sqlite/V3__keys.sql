-- End-to-end encryption keys, to-device messages and server-side key backup. SQLite dialect; keep in step
-- with ../postgresql/V3__keys.sql (same tables, columns and constraints). See server/.../keys/README.md.

-- A device's identity keys (POST /keys/upload device_keys), as uploaded, canonical JSON without signatures
-- by other keys (those are in key_signatures).
CREATE TABLE device_keys (
    user_id   TEXT NOT NULL,
    device_id TEXT NOT NULL,
    json      TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

-- One-time keys: each is handed out once by /keys/claim, then deleted.
CREATE TABLE one_time_keys (
    user_id   TEXT NOT NULL,
    device_id TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    key_id    TEXT NOT NULL,                  -- the part after "<algorithm>:"
    json      TEXT NOT NULL,                  -- the key: a JSON string or a signed object
    PRIMARY KEY (user_id, device_id, algorithm, key_id)
);

-- Fallback keys: one per device and algorithm, handed out when no one-time key is left, then marked used.
CREATE TABLE fallback_keys (
    user_id   TEXT    NOT NULL,
    device_id TEXT    NOT NULL,
    algorithm TEXT    NOT NULL,
    key_id    TEXT    NOT NULL,
    json      TEXT    NOT NULL,
    used      INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
    PRIMARY KEY (user_id, device_id, algorithm)
);

-- Cross-signing keys: master, self_signing, user_signing (one of each per user).
CREATE TABLE cross_signing_keys (
    user_id  TEXT NOT NULL,
    key_type TEXT NOT NULL CHECK (key_type IN ('master', 'self_signing', 'user_signing')),
    json     TEXT NOT NULL,
    PRIMARY KEY (user_id, key_type)
);

-- Signatures uploaded with /keys/signatures/upload: signer's key signs the target key (a device ID or a
-- cross-signing public key of target_user).
CREATE TABLE key_signatures (
    target_user   TEXT NOT NULL,
    target_key_id TEXT NOT NULL,
    signer_user   TEXT NOT NULL,
    signer_key_id TEXT NOT NULL,              -- "ed25519:<device ID or public key>"
    signature     TEXT NOT NULL,
    PRIMARY KEY (target_user, target_key_id, signer_user, signer_key_id)
);

-- Device-list changes: the user's devices or cross-signing keys changed at this stream position.
CREATE TABLE device_list_changes (
    position INTEGER NOT NULL PRIMARY KEY,
    user_id  TEXT    NOT NULL
);

-- To-device messages waiting for their device, at their stream position.
CREATE TABLE to_device_inbox (
    position  INTEGER NOT NULL PRIMARY KEY,
    user_id   TEXT    NOT NULL,
    device_id TEXT    NOT NULL,
    sender    TEXT    NOT NULL,
    type      TEXT    NOT NULL,
    content   TEXT    NOT NULL
);
CREATE INDEX to_device_inbox_device ON to_device_inbox (user_id, device_id, position);

-- A sync answered with next_batch <token_position> delivered to-device messages only up to <delivered_up_to>
-- (the per-sync limit): a later sync with that token as since acknowledges only those.
CREATE TABLE to_device_deliveries (
    user_id         TEXT    NOT NULL,
    device_id       TEXT    NOT NULL,
    token_position  INTEGER NOT NULL,
    delivered_up_to INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id, token_position)
);

-- sendToDevice transaction IDs (spec: idempotent per device and transaction ID).
CREATE TABLE to_device_txns (
    user_id    TEXT    NOT NULL,
    device_id  TEXT    NOT NULL,
    txn_id     TEXT    NOT NULL,
    created_ts INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id)
);

-- Server-side key backup versions; a deleted version keeps its row (its number is never reused).
CREATE TABLE room_key_backups (
    user_id   TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    algorithm TEXT    NOT NULL,
    auth_data TEXT    NOT NULL,
    etag      INTEGER NOT NULL DEFAULT 0,
    deleted   INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    PRIMARY KEY (user_id, version)
);

CREATE TABLE room_key_backup_sessions (
    user_id             TEXT    NOT NULL,
    version             INTEGER NOT NULL,
    room_id             TEXT    NOT NULL,
    session_id          TEXT    NOT NULL,
    first_message_index INTEGER NOT NULL,
    forwarded_count     INTEGER NOT NULL,
    is_verified         INTEGER NOT NULL CHECK (is_verified IN (0, 1)),
    session_data        TEXT    NOT NULL,
    PRIMARY KEY (user_id, version, room_id, session_id)
);
