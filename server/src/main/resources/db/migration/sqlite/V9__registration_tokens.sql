-- Registration tokens created by the operator (starling admin registration-token create), beside those in the
-- configuration file. Client-Server API § Token-authenticated registration. SQLite dialect; keep in step with
-- ../postgresql/V9__registration_tokens.sql.

-- Only the SHA-256 of a token is stored (as for access tokens): the token is shown once, when it is created.
CREATE TABLE registration_tokens (
    token_hash   BLOB    NOT NULL PRIMARY KEY CHECK (length(token_hash) = 32),
    -- The first characters of a long token, so that an operator can tell tokens apart in a listing.
    token_prefix TEXT    NOT NULL,
    uses_allowed INTEGER CHECK (uses_allowed IS NULL OR uses_allowed >= 0),   -- NULL: unlimited
    pending      INTEGER NOT NULL DEFAULT 0 CHECK (pending >= 0),             -- registrations in progress
    completed    INTEGER NOT NULL DEFAULT 0 CHECK (completed >= 0),           -- registrations done
    expiry_ts    INTEGER,                                                     -- ms since the epoch; NULL: never
    created_ts   INTEGER NOT NULL
);
