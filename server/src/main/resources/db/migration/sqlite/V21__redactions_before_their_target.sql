-- Redactions received before the event they redact. SQLite dialect; keep in step with
-- ../postgresql/V21__redactions_before_their_target.sql.

-- Since room version 3 a redaction's right to redact is checked when both events are seen (Room Versions
-- § Handling redactions): a sender with the redact level may redact any event of the room, any other only
-- events from their own server. A redaction received over federation before its target, from a sender
-- without the level, records that server here; rooms.ServedEvents applies it only to an event whose sender
-- is on it. Null: no such limit (the target was checked when the redaction was stored, or the level allows).
ALTER TABLE redactions ADD COLUMN target_server TEXT;
