#!/usr/bin/python3
"""Sync and history through a real Matrix client: matrix-nio's AsyncClient against a running Starling homeserver.

    /usr/bin/python3 sync.py HOMESERVER_URL SERVER_NAME

Alice and Bob register; Alice creates a room inviting Bob; Bob's sync shows the invite and he joins; they
send 50 messages each, alternating, and each one's incremental syncs show all 100 in order; Bob's long-poll
wakes for Alice's next message; then Alice pages /messages back from her sync's prev_batch to the room's
creation (the create event is on the last page, which has no end token). nio parses a create event without
"creator" (room versions 11 and later) as a BadEvent, so history is compared by the events' wire types.

Prints one JSON report on stdout: {"nio": version, "steps": {name: what was observed}, "failures": [...]}.
Exits 0 when every observation matched, 1 on any mismatch, 2 on bad usage. Logs go to stderr.
"""

import asyncio
import sys

import harness
from harness import PASSWORD

from nio import AsyncClient, MessageDirection
from nio.responses import RoomMessagesResponse, SyncResponse

COUNT = 50


def bodies(events):
    return [e.body for e in events if hasattr(e, "body")]


async def run(url, server_name, report):
    alice = AsyncClient(url, config=harness.config(30))
    bob = AsyncClient(url, config=harness.config(30))
    try:
        await alice.register("alice", PASSWORD)
        await bob.register("bob", PASSWORD)
        r = await bob.sync(timeout=0)
        report.step("bob first sync", r)
        report.expect("bob first sync", isinstance(r, SyncResponse), "SyncResponse")
        r = await alice.room_create(name="Chat", invite=[bob.user_id])
        room_id = r.room_id
        r = await bob.sync(timeout=5000)
        invited = room_id in r.rooms.invite if isinstance(r, SyncResponse) else False
        report.step("bob sees the invite", r, invited=invited)
        report.expect("bob sees the invite", invited, "the room under rooms.invite")
        await bob.join(room_id)
        await alice.sync(timeout=0)
        await bob.sync(timeout=0)

        sent = []
        seen = {"alice": [], "bob": []}
        for i in range(COUNT):
            for name, client in (("alice", alice), ("bob", bob)):
                text = f"{name} {i}"
                await client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": text})
                sent.append(text)
            for name, client in (("alice", alice), ("bob", bob)):
                r = await client.sync(timeout=0, sync_filter={"room": {"timeline": {"limit": 50}}})
                if isinstance(r, SyncResponse) and room_id in r.rooms.join:
                    seen[name] += bodies(r.rooms.join[room_id].timeline.events)
        for name in ("alice", "bob"):
            step = f"{name} saw every message in order"
            report.step(step, None, count=len(seen[name]))
            report.expect(step, seen[name] == sent, f"{len(sent)} messages in send order")

        waiting = asyncio.ensure_future(bob.sync(timeout=20000))
        await asyncio.sleep(0.3)
        await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "wake"})
        r = await asyncio.wait_for(waiting, 10)
        woke = bodies(r.rooms.join[room_id].timeline.events) if room_id in r.rooms.join else []
        report.step("bob's long-poll wakes", r, bodies=woke)
        report.expect("bob's long-poll wakes", woke == ["wake"], "the message 'wake'")

        # nio sends its last next_batch as since: an incremental sync with the whole state.
        r = await alice.sync(timeout=0, full_state=True, sync_filter={"room": {"timeline": {"limit": 5}}})
        timeline = r.rooms.join[room_id].timeline
        history = []
        token = timeline.prev_batch
        pages = 0
        last = None
        while token is not None and pages < 100:
            last = await alice.room_messages(room_id, token, direction=MessageDirection.back, limit=20)
            if not isinstance(last, RoomMessagesResponse):
                break
            # By the event's type on the wire: nio parses a v11+ create event (no "creator") as a BadEvent.
            history += [e.source.get("type", "") + ":" + e.source.get("content", {}).get("body", "")
                        for e in last.chunk]
            token = last.end
            pages += 1
        report.step("alice pages back", last, pages=pages, events=len(history),
                    oldest=history[-1] if history else None)
        report.expect("alice pages back", history and history[-1].startswith("m.room.create:"),
                      "the create event last")
        messages = [h.split(":", 1)[1] for h in history if h.startswith("m.room.message:")]
        everything = sent + ["wake"]
        before_timeline = everything[:len(everything) - len(bodies(timeline.events))]
        report.expect("alice pages back", list(reversed(messages)) == before_timeline,
                      "every message before the timeline, newest first")
    finally:
        for client in (alice, bob):
            await client.close()


if __name__ == "__main__":
    sys.exit(harness.main(sys.argv, run, __doc__))
