#!/usr/bin/python3
"""Four Starling nodes in a chain A-B-C-D (A and D not directly linked), used through matrix-nio with E2EE.

    /usr/bin/python3 mesh_chain.py URL_A NAME_A URL_B NAME_B URL_C NAME_C URL_D NAME_D CONTROL_DIR

Alice (on A), Bob (B), Carol (C) and Dave (D) register with Olm stores. Alice creates an encrypted room and
invites the other three (the invite to D crosses B and C); all join, so every node holds the room. Alice and
Dave exchange messages that each decrypts. Then the script prints "PHASE cut" and waits for CONTROL_DIR/cut
(the test has cut the B-C link); Alice and Dave each send while cut. It prints "PHASE heal" and waits for
CONTROL_DIR/healed (holding the epoch milliseconds of the heal); each must then decrypt every message the
other sent while cut ("PHASE delivered <seconds after the heal>"), and all four servers must report the same
room state (/state as a set) and the same room events since the last join (/messages; a server that joined
later holds no earlier timeline), each sender's events in the same order.

Prints one JSON report on stdout after the PHASE lines (see server/src/test/clients/nio/harness.py); exits 0
when every observation matched, 1 on any mismatch, 2 on bad usage. Logs go to stderr.
"""

import asyncio
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "..", "..", "server", "src", "test", "clients", "nio"))
import harness  # noqa: E402
from harness import PASSWORD  # noqa: E402

from nio import AsyncClient, AsyncClientConfig, MegolmEvent, RoomMessageText  # noqa: E402
from nio.responses import JoinResponse, KeysUploadResponse, RegisterResponse, SyncResponse  # noqa: E402

NAMES = ("alice", "bob", "carol", "dave")
BEFORE = 2  # messages each of alice and dave sends before the cut
DURING = 3  # ... and while the link is cut
WAIT = 60  # seconds for something to cross the chain
ENCRYPTION = {"type": "m.room.encryption", "state_key": "",
              "content": {"algorithm": "m.megolm.v1.aes-sha2"}}


def client(url, store):
    os.makedirs(store)
    config = AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0, request_timeout=60,
                               encryption_enabled=True, store_sync_tokens=False)
    return AsyncClient(url, config=config, store_path=store)


def phase(text):
    print(f"PHASE {text}", flush=True)


async def until(attempt, seconds=WAIT):
    """Calls `attempt` (async, returns a truthy value when done) every 0.3 s for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = await attempt()
        if result:
            return result
        await asyncio.sleep(0.3)
    return None


async def wait_file(path, seconds=300):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path):
            await asyncio.sleep(0.1)
            with open(path) as f:
                return f.read().strip()
        await asyncio.sleep(0.2)
    raise TimeoutError(f"{path} never appeared")


async def sync(c, room_id, seen):
    """One incremental sync: records the decrypted texts of others and the events nio could not decrypt."""
    r = await c.sync(timeout=0, sync_filter={"room": {"timeline": {"limit": 50}}})
    if isinstance(r, SyncResponse) and room_id in r.rooms.join:
        for event in r.rooms.join[room_id].timeline.events:
            if isinstance(event, RoomMessageText) and event.sender != c.user_id:
                seen["texts"].append(event.body)
                seen["decrypted"] &= bool(getattr(event, "decrypted", False))
            elif isinstance(event, MegolmEvent):
                seen["undecryptable"].append(event.event_id)
    return r


def get(c, path):
    """GET on the client's own server with its token (urllib: the raw JSON, no nio parsing)."""
    request = urllib.request.Request(c.homeserver + path, headers={"Authorization": f"Bearer {c.access_token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


async def views(c, room_id):
    """What c's server holds: the room state as a set, and the room's events oldest first."""
    quoted = urllib.parse.quote(room_id)
    state = await asyncio.to_thread(get, c, f"/_matrix/client/v3/rooms/{quoted}/state")
    messages = await asyncio.to_thread(get, c, f"/_matrix/client/v3/rooms/{quoted}/messages?dir=b&limit=500")
    state_set = sorted((e["type"], e["state_key"], e["event_id"]) for e in state)
    events = [(e["event_id"], e["sender"], e["type"]) for e in reversed(messages.get("chunk", []))]
    return state_set, events


async def run(args, report):
    urls = dict(zip(NAMES, args[0:8:2]))
    servers = dict(zip(NAMES, args[1:8:2]))
    control = args[8]
    tmp = tempfile.mkdtemp(prefix="starling-nio-chain-")
    clients = {n: client(urls[n], os.path.join(tmp, n)) for n in NAMES}
    alice, dave = clients["alice"], clients["dave"]
    try:
        for n, c in clients.items():
            r = await c.register(n, PASSWORD)
            report.step(f"{n} registers", r, user_id=getattr(r, "user_id", None))
            report.expect(f"{n} registers", isinstance(r, RegisterResponse) and r.user_id == f"@{n}:{servers[n]}",
                          f"@{n}:{servers[n]}")
            r = await c.keys_upload()
            report.expect(f"{n} registers", isinstance(r, KeysUploadResponse), "keys uploaded")
            await c.sync(timeout=0)
        if report.failures:
            return

        others = [clients[n].user_id for n in NAMES[1:]]
        r = await alice.room_create(name="Chain", invite=others, initial_state=[ENCRYPTION])
        room_id = getattr(r, "room_id", None)
        report.step("alice creates the encrypted room inviting bob, carol and dave", r, room_id=room_id)
        if room_id is None:
            report.failures.append("no room")
            return

        for n in NAMES[1:]:
            c = clients[n]

            async def invited(c=c):
                await c.sync(timeout=0)
                return room_id in c.invited_rooms
            started = time.monotonic()
            ok = bool(await until(invited))
            report.step(f"{n} sees the invite", None, invited=ok, seconds=round(time.monotonic() - started, 2))
            report.expect(f"{n} sees the invite", ok, "the room under rooms.invite")
            r = await c.join(room_id)
            report.step(f"{n} joins through the chain", r)
            report.expect(f"{n} joins through the chain", isinstance(r, JoinResponse), "JoinResponse")
        if report.failures:
            return

        everyone = sorted(c.user_id for c in clients.values())
        for n in ("alice", "dave"):
            c = clients[n]

            async def all_joined(c=c):
                await c.sync(timeout=0)
                room = c.rooms.get(room_id)
                return room is not None and sorted(room.users) == everyone
            ok = bool(await until(all_joined))
            report.step(f"{n} sees all four joined", None, joined=ok)
            report.expect(f"{n} sees all four joined", ok, "alice, bob, carol and dave joined")

        for n in ("alice", "dave"):
            c = clients[n]

            async def devices(c=c):
                if c.should_query_keys:
                    await c.keys_query()
                found = {u: [d.id for d in c.device_store.active_user_devices(u)] for u in everyone if u != c.user_id}
                missing = [u for u, ds in found.items() if not ds]
                c.olm.users_for_key_query.update(missing)
                return found if not missing else None
            found = await until(devices)
            report.step(f"{n} knows every other member's device", None, devices=found)
            report.expect(f"{n} knows every other member's device", found is not None, "one device per member")
            missing = c.get_missing_sessions(room_id)
            if missing:
                await c.keys_claim(missing)
        if report.failures:
            return

        sent = {"alice": [], "dave": []}
        seen = {n: {"texts": [], "undecryptable": [], "decrypted": True} for n in ("alice", "dave")}
        readers = {"alice": "dave", "dave": "alice"}

        async def send(n, text):
            r = await clients[n].room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": text},
                                           ignore_unverified_devices=True)
            report.step(f"{n} sends '{text}'", r, event_id=getattr(r, "event_id", None))
            report.expect(f"{n} sends '{text}'", getattr(r, "event_id", None) is not None, "an event ID")
            sent[n].append(text)
            await sync(clients[n], room_id, seen[n])

        async def arrived(reader, count):
            async def attempt():
                await sync(clients[reader], room_id, seen[reader])
                s = seen[reader]
                return len(s["texts"]) + len(s["undecryptable"]) >= count
            return await until(attempt)

        started = time.monotonic()
        for i in range(BEFORE):
            for n in ("alice", "dave"):
                await send(n, f"before {n} {i}")
                ok = bool(await arrived(readers[n], len(sent[n])))
                report.expect(f"{readers[n]} receives 'before {n} {i}'", ok, "the message within the wait")
        report.step("messages before the cut", None, seconds=round(time.monotonic() - started, 2))

        phase("cut")
        await wait_file(os.path.join(control, "cut"))
        for i in range(DURING):
            for n in ("alice", "dave"):
                await send(n, f"while cut {n} {i}")
        phase("heal")
        healed_at = int(await wait_file(os.path.join(control, "healed"))) / 1000.0
        delivered = {}
        for reader, writer in (("alice", "dave"), ("dave", "alice")):
            ok = bool(await arrived(reader, len(sent[writer]), ))
            if not ok:  # one more full wait: arrival is what matters, the time is reported
                ok = bool(await arrived(reader, len(sent[writer])))
            delivered[reader] = round(time.time() - healed_at, 2) if ok else None
        phase(f"delivered {max((v for v in delivered.values() if v is not None), default=-1)}")
        report.step("delivery after the heal", None, seconds_after_heal=delivered)
        for reader, writer in (("alice", "dave"), ("dave", "alice")):
            step = f"{reader} decrypts every message of {writer}"
            report.step(step, None, texts=seen[reader]["texts"], undecryptable=seen[reader]["undecryptable"],
                        all_flagged_decrypted=seen[reader]["decrypted"])
            report.expect(step, seen[reader]["texts"] == sent[writer] and not seen[reader]["undecryptable"]
                          and seen[reader]["decrypted"], f"{len(sent[writer])} decrypted messages in send order")

        def since_last_join(events, state):
            """The events after Dave's join (the last one): a server that joined late holds no earlier timeline
            (no backfill), so only these can be compared across all four."""
            join = next((e[2] for e in state if e[0] == "m.room.member" and e[1] == dave.user_id), None)
            ids = [e[0] for e in events]
            return events[ids.index(join) + 1:] if join in ids else []

        async def converged():
            seen_views = {n: await views(clients[n], room_id) for n in NAMES}
            seen_views = {n: (v[0], since_last_join(v[1], v[0])) for n, v in seen_views.items()}
            states = {n: v[0] for n, v in seen_views.items()}
            event_sets = {n: sorted(e[0] for e in v[1]) for n, v in seen_views.items()}
            same = all(states[n] == states["alice"] for n in NAMES) and all(
                event_sets[n] == event_sets["alice"] for n in NAMES)
            return seen_views if same else None
        started = time.monotonic()
        result = await until(converged, 90)
        final = result or {n: (v[0], since_last_join(v[1], v[0]))
                           for n, v in [(n, await views(clients[n], room_id)) for n in NAMES]}
        report.step("all four servers hold the same room", None, identical=result is not None,
                    seconds=round(time.monotonic() - started, 2),
                    state_sizes={n: len(v[0]) for n, v in final.items()},
                    events_since_last_join={n: len(v[1]) for n, v in final.items()},
                    states=None if result else {n: v[0] for n, v in final.items()},
                    events=None if result else {n: v[1] for n, v in final.items()})
        report.expect("all four servers hold the same room", result is not None,
                      "the same /state set and the same /messages event IDs since dave's join on A, B, C and D")
        if result:
            per_sender = {n: {u: [e[0] for e in v[1] if e[1] == u] for u in everyone} for n, v in result.items()}
            same_order = all(per_sender[n] == per_sender["alice"] for n in NAMES)
            messages = {n: len([e for e in v[1] if e[2] == "m.room.encrypted"]) for n, v in result.items()}
            report.step("each sender's events in the same order everywhere", None, same_order=same_order,
                        encrypted_events=messages)
            report.expect("each sender's events in the same order everywhere",
                          same_order and all(m == 2 * (BEFORE + DURING) for m in messages.values()),
                          f"the same order, {2 * (BEFORE + DURING)} encrypted events on each server")
    finally:
        for c in clients.values():
            await c.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if len(argv) != 10:
        print(__doc__, file=sys.stderr)
        return 2
    report = harness.Report(os.path.basename(argv[0]))
    try:
        asyncio.run(asyncio.wait_for(run(argv[1:], report), timeout=900))
    except Exception as e:  # a crash is a mismatch too, reported like one
        report.failures.append(f"exception: {type(e).__name__}: {e}")
    print(json.dumps({"nio": importlib.metadata.version("matrix-nio"), "steps": report.steps,
                      "failures": report.failures}, indent=2, sort_keys=True, default=str))
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
