#!/usr/bin/python3
"""Typing notifications and read receipts through a real Matrix client: matrix-nio's AsyncClient against a
running Starling homeserver.

    /usr/bin/python3 ephemeral.py HOMESERVER_URL SERVER_NAME

Alice and Bob register and share a room. Alice starts typing (room_typing) and Bob's sync shows her in a
TypingNoticeEvent; Alice sends a message, Bob marks it read with room_read_markers (fully read + m.read) and
Alice's sync shows Bob's ReceiptEvent for it; Alice sends another, Bob acknowledges it with
update_receipt_marker and Alice sees that receipt too. Alice stops typing and Bob's sync shows an empty
typing list; then Alice types with a one-second timeout and Bob's long-poll wakes twice by itself: once when
she starts and once when the timeout passes (the server's expiry timer, no request from Alice).

Prints one JSON report on stdout: {"nio": version, "steps": {name: what was observed}, "failures": [...]}.
Exits 0 when every observation matched, 1 on any mismatch, 2 on bad usage. Logs go to stderr.
"""

import asyncio
import sys
import time

import harness
from harness import PASSWORD

from nio import AsyncClient, ReceiptEvent, TypingNoticeEvent
from nio.responses import SyncResponse


def ephemeral(response, room_id, kind):
    if not isinstance(response, SyncResponse) or room_id not in response.rooms.join:
        return []
    return [e for e in response.rooms.join[room_id].ephemeral if isinstance(e, kind)]


def typing_users(response, room_id):
    """The user list of the last m.typing in the sync, or None when there was none."""
    notices = ephemeral(response, room_id, TypingNoticeEvent)
    return sorted(notices[-1].users) if notices else None


def receipts(response, room_id):
    return [(r.event_id, r.receipt_type, r.user_id)
            for e in ephemeral(response, room_id, ReceiptEvent) for r in e.receipts]


async def sync_until(client, room_id, found, timeout_ms=5000, attempts=5):
    """Long-polls until `found(response)` is truthy; returns (response, value)."""
    r = None
    for _ in range(attempts):
        r = await client.sync(timeout=timeout_ms)
        value = found(r)
        if value:
            return r, value
    return r, None


async def run(url, server_name, report):
    alice = AsyncClient(url, config=harness.config(30))
    bob = AsyncClient(url, config=harness.config(30))
    try:
        await alice.register("alice", PASSWORD)
        await bob.register("bob", PASSWORD)
        r = await alice.room_create(name="Ephemeral", invite=[bob.user_id])
        room_id = r.room_id
        await bob.join(room_id)
        await alice.sync(timeout=0)
        await bob.sync(timeout=0)

        r = await alice.room_typing(room_id, True, timeout=30000)
        report.step("alice starts typing", r)
        r, users = await sync_until(bob, room_id, lambda r: typing_users(r, room_id))
        report.step("bob sees alice typing", r, users=users)
        report.expect("bob sees alice typing", users == [alice.user_id], "a TypingNoticeEvent with alice")

        r = await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "read me"})
        first = r.event_id
        await bob.sync(timeout=0)
        r = await bob.room_read_markers(room_id, fully_read_event=first, read_event=first)
        report.step("bob sets his read markers", r)
        r, seen = await sync_until(alice, room_id, lambda r: [x for x in receipts(r, room_id) if x[0] == first])
        report.step("alice sees bob's receipt", r, receipts=seen)
        report.expect("alice sees bob's receipt", seen == [(first, "m.read", bob.user_id)],
                      "a ReceiptEvent: bob read the first message")

        r = await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "and me"})
        second = r.event_id
        r = await bob.update_receipt_marker(room_id, second)
        report.step("bob sends a receipt", r)
        r, seen = await sync_until(alice, room_id, lambda r: [x for x in receipts(r, room_id) if x[0] == second])
        report.step("alice sees bob's second receipt", r, receipts=seen)
        report.expect("alice sees bob's second receipt", seen == [(second, "m.read", bob.user_id)],
                      "a ReceiptEvent: bob read the second message")

        r = await alice.room_typing(room_id, False)
        report.step("alice stops typing", r)
        r, users = await sync_until(bob, room_id, lambda r: typing_users(r, room_id) == [] and "stopped")
        report.step("bob sees alice stop typing", r, stopped=users)
        report.expect("bob sees alice stop typing", users == "stopped", "a TypingNoticeEvent with no users")

        # Expiry: only the server's timer can end this typing notice.
        await alice.room_typing(room_id, True, timeout=1000)
        r, users = await sync_until(bob, room_id, lambda r: typing_users(r, room_id))
        report.step("bob sees alice typing briefly", r, users=users)
        report.expect("bob sees alice typing briefly", users == [alice.user_id], "alice typing")
        started = time.monotonic()
        r = await bob.sync(timeout=20000)
        waited = time.monotonic() - started
        users = typing_users(r, room_id)
        report.step("bob's long-poll wakes when the typing expires", r, users=users, waited=round(waited, 2))
        report.expect("bob's long-poll wakes when the typing expires", users == [] and waited < 10,
                      "an empty typing list within seconds, not at the 20 s poll timeout")
    finally:
        for client in (alice, bob):
            await client.close()


if __name__ == "__main__":
    sys.exit(harness.main(sys.argv, run, __doc__))
