#!/usr/bin/python3
"""Two Starling nodes federating over the mesh, used through a real Matrix client (matrix-nio).

    /usr/bin/python3 mesh_chat.py URL_A NAME_A URL_B NAME_B

Alice registers on node A and Bob on node B through each node's own Client-Server API. Alice creates a room
inviting @bob:NAME_B (the invite crosses the mesh to B), Bob's sync shows it and he joins (make_join and
send_join cross the mesh to A), then they exchange messages and each one's sync shows the other's.

Prints one JSON report on stdout (see server/src/test/clients/nio/harness.py); exits 0 when every observation
matched, 1 on any mismatch, 2 on bad usage. Logs go to stderr.
"""

import asyncio
import importlib.metadata
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "..", "..", "server", "src", "test", "clients", "nio"))
import harness  # noqa: E402
from harness import PASSWORD  # noqa: E402

from nio import AsyncClient  # noqa: E402
from nio.responses import JoinResponse, RegisterResponse, RoomCreateResponse, SyncResponse  # noqa: E402


def bodies(response, room_id):
    if not isinstance(response, SyncResponse) or room_id not in response.rooms.join:
        return []
    return [e.body for e in response.rooms.join[room_id].timeline.events if hasattr(e, "body")]


async def wait_for(client, predicate, seconds=30):
    """Syncs until predicate(response) holds or the time is up; returns what it collected."""
    collected = []
    deadline = asyncio.get_event_loop().time() + seconds
    while asyncio.get_event_loop().time() < deadline:
        r = await client.sync(timeout=2000)
        if isinstance(r, SyncResponse):
            collected.append(r)
            if predicate(r, collected):
                return True, collected
    return False, collected


async def run(url_a, name_a, url_b, name_b, report):
    alice = AsyncClient(url_a, config=harness.config(60))
    bob = AsyncClient(url_b, config=harness.config(60))
    try:
        r = await alice.register("alice", PASSWORD)
        report.step("alice registers on A", r, user_id=getattr(r, "user_id", None))
        report.expect("alice registers on A", isinstance(r, RegisterResponse) and r.user_id == f"@alice:{name_a}",
                      f"@alice:{name_a}")
        r = await bob.register("bob", PASSWORD)
        report.step("bob registers on B", r, user_id=getattr(r, "user_id", None))
        report.expect("bob registers on B", isinstance(r, RegisterResponse) and r.user_id == f"@bob:{name_b}",
                      f"@bob:{name_b}")
        await bob.sync(timeout=0)

        r = await alice.room_create(name="Over the mesh", invite=[f"@bob:{name_b}"])
        report.step("alice creates the room inviting bob", r, room_id=getattr(r, "room_id", None))
        report.expect("alice creates the room inviting bob", isinstance(r, RoomCreateResponse), "RoomCreateResponse")
        room_id = r.room_id

        ok, _ = await wait_for(bob, lambda r, _: room_id in r.rooms.invite)
        report.step("bob sees the invite on B", None, invited=ok)
        report.expect("bob sees the invite on B", ok, "the room under rooms.invite")

        r = await bob.join(room_id)
        report.step("bob joins over the mesh", r)
        report.expect("bob joins over the mesh", isinstance(r, JoinResponse), "JoinResponse")

        await alice.sync(timeout=0)
        r = await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "hello from A"})
        report.step("alice sends", r)
        ok, syncs = await wait_for(bob, lambda r, all: "hello from A" in sum((bodies(s, room_id) for s in all), []))
        report.step("bob receives alice's message", None, received=ok)
        report.expect("bob receives alice's message", ok, "'hello from A' in bob's timeline")

        r = await bob.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "hello from B"})
        report.step("bob sends", r)
        ok, syncs = await wait_for(alice, lambda r, all: "hello from B" in sum((bodies(s, room_id) for s in all), []))
        report.step("alice receives bob's message", None, received=ok)
        report.expect("alice receives bob's message", ok, "'hello from B' in alice's timeline")

        members = sorted(alice.rooms[room_id].users.keys()) if room_id in alice.rooms else []
        report.step("alice's view of the members", None, members=members)
        report.expect("alice's view of the members", members == sorted([f"@alice:{name_a}", f"@bob:{name_b}"]),
                      "alice and bob")
    finally:
        await alice.close()
        await bob.close()


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    report = harness.Report(os.path.basename(argv[0]))
    try:
        asyncio.run(asyncio.wait_for(run(argv[1], argv[2], argv[3], argv[4], report), timeout=150))
    except Exception as e:  # a crash is a mismatch too, reported like one
        report.failures.append(f"exception: {type(e).__name__}: {e}")
    print(json.dumps({"nio": importlib.metadata.version("matrix-nio"), "steps": report.steps,
                      "failures": report.failures}, indent=2, sort_keys=True, default=str))
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
