-- Federation: remote servers' key documents, as fetched and verified (federation.keys.RemoteKeyStore).
-- One row per server: the signed document exactly as received (notaries pass it on unchanged), when it
-- stops being valid, and when it was fetched (keys are trusted at most 7 days after that).
CREATE TABLE federation_server_keys (
    server_name TEXT PRIMARY KEY,
    key_json TEXT NOT NULL,
    valid_until_ts BIGINT NOT NULL,
    fetched_ts BIGINT NOT NULL
);
