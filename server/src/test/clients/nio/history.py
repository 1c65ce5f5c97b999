#!/usr/bin/python3
"""Redactions, /context and filtered /messages through a real Matrix client: matrix-nio's AsyncClient.

    /usr/bin/python3 history.py HOMESERVER_URL SERVER_NAME

Alice and Bob register; Alice creates a public room and Bob joins; Alice sends three messages and redacts
the second; Bob's redaction of Alice's first message is refused (403 M_FORBIDDEN); Bob's sync shows the
redaction event (nio's RedactionEvent naming the message); /messages shows the message redacted (nio's
RedactedEvent, with the reason) and, with a filter for Bob's events only, none of Alice's; /context of the
third message shows its neighbours and the room state.

Prints one JSON report on stdout: {"nio": version, "steps": {name: what was observed}, "failures": [...]}.
Exits 0 when every observation matched, 1 on any mismatch, 2 on bad usage. Logs go to stderr.
"""

import sys

import harness
from harness import PASSWORD

from nio import AsyncClient, RedactedEvent, RedactionEvent, RoomPreset
from nio.responses import RoomContextResponse, RoomMessagesResponse, RoomRedactError, RoomRedactResponse


def text(content):
    return {"msgtype": "m.text", "body": content}


async def run(url, server_name, report):
    alice = AsyncClient(url, config=harness.config(30))
    bob = AsyncClient(url, config=harness.config(30))
    try:
        await alice.register("alice", PASSWORD)
        await bob.register("bob", PASSWORD)
        r = await alice.room_create(name="History", preset=RoomPreset.public_chat)
        room_id = r.room_id
        await bob.join(room_id)
        await bob.sync(timeout=0)
        first = (await alice.room_send(room_id, "m.room.message", text("one"))).event_id
        second = (await alice.room_send(room_id, "m.room.message", text("two"))).event_id
        third = (await alice.room_send(room_id, "m.room.message", text("three"))).event_id

        r = await alice.room_redact(room_id, second, reason="typo")
        report.step("alice redacts her message", r)
        report.expect("alice redacts her message", isinstance(r, RoomRedactResponse), "RoomRedactResponse")
        r = await bob.room_redact(room_id, first)
        report.step("bob may not redact alice's message", r)
        report.expect("bob may not redact alice's message",
                      isinstance(r, RoomRedactError) and r.status_code == "M_FORBIDDEN", "403 M_FORBIDDEN")

        r = await bob.sync(timeout=0)
        events = r.rooms.join[room_id].timeline.events if room_id in r.rooms.join else []
        redactions = [e.redacts for e in events if isinstance(e, RedactionEvent)]
        report.step("bob's sync has the redaction", r, redacts=redactions)
        report.expect("bob's sync has the redaction", redactions == [second], f"one RedactionEvent for {second}")

        r = await bob.room_messages(room_id, r.next_batch, limit=10)
        redacted = [e for e in r.chunk if isinstance(e, RedactedEvent)] if isinstance(r, RoomMessagesResponse) else []
        report.step("messages shows it redacted", r, redacted=[(e.event_id, e.reason) for e in redacted])
        report.expect("messages shows it redacted",
                      [(e.event_id, e.reason) for e in redacted] == [(second, "typo")], "the message, redacted")

        r = await bob.room_messages(room_id, r.start, limit=10,
                                    message_filter={"senders": [bob.user_id]})
        senders = sorted({e.sender for e in r.chunk}) if isinstance(r, RoomMessagesResponse) else None
        report.step("a filter keeps bob's events only", r, senders=senders)
        report.expect("a filter keeps bob's events only", senders == [bob.user_id], "only bob as sender")

        r = await bob.room_context(room_id, third, limit=2)
        ok = isinstance(r, RoomContextResponse)
        before = [e.event_id for e in r.events_before] if ok else None
        report.step("context of the third message", r, before=before, after=len(r.events_after) if ok else None,
                    state=len(r.state) if ok else None)
        report.expect("context of the third message", ok and before == [second] and len(r.state) > 0,
                      "the redacted second message before it, and the room state")
    finally:
        await alice.close()
        await bob.close()


if __name__ == "__main__":
    sys.exit(harness.main(sys.argv, run, __doc__))
