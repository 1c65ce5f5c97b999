-- Room events, the relay flag (rooms.ResidentMembership, federation.sender.OutboundStreams). PostgreSQL dialect;
-- keep in step with ../sqlite/V17__resident_accepted_events.sql (same columns and constraints).

-- TRUE for a remote user's join or leave that this server accepted and countersigned as the room's resident
-- (send_join, send_leave): its server gave it only to us, so the outbound stream sends it on to the room's other
-- servers. Set in the transaction that stores the event. Events stored before this migration keep FALSE: at most
-- a join or leave accepted in the instant before an upgrade and not yet queued is not relayed.
ALTER TABLE events ADD COLUMN accepted_as_resident BOOLEAN NOT NULL DEFAULT FALSE;
