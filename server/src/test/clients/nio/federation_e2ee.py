#!/usr/bin/python3
"""End-to-end encryption across two homeservers (federation): matrix-nio (libolm), one user on each server.

    /usr/bin/python3 federation_e2ee.py HOMESERVER_A_URL HOMESERVER_B_URL

(harness.main's second argument, normally the server name, is the second server's URL here.) Alice registers on
A, Bob on B, each with an Olm store. Alice creates an encrypted room on A inviting Bob, who joins over
federation; each then sees the other's device through /keys/query (answered by the other server over
federation), claims a one-time key of it (/keys/claim over federation), and they send messages both ways:
Megolm sessions travel as Olm to-device messages (m.direct_to_device EDUs), the messages as m.room.encrypted
PDUs. Each side must decrypt every message of the other, in order (a message whose room key arrives in a later
sync than the message itself is decrypted once the key is there, as a client would).

Prints one JSON report on stdout; exit 0 when every observation matched, 1 on any mismatch, 2 on bad usage.
"""

import asyncio
import os
import shutil
import sys
import tempfile
import time

import harness
from harness import PASSWORD

from nio import AsyncClient, AsyncClientConfig, MegolmEvent, RoomMessageText
from nio.responses import KeysClaimResponse, KeysUploadResponse, SyncResponse

COUNT = 2
WAIT = 40
ENCRYPTION = {"type": "m.room.encryption", "state_key": "",
              "content": {"algorithm": "m.megolm.v1.aes-sha2"}}


def client(url, store):
    os.makedirs(store)
    config = AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0, request_timeout=30,
                               encryption_enabled=True, store_sync_tokens=False)
    return AsyncClient(url, config=config, store_path=store)


async def sync(c, room_id, seen):
    r = await c.sync(timeout=0, sync_filter={"room": {"timeline": {"limit": 50}}})
    if isinstance(r, SyncResponse) and room_id in r.rooms.join:
        for event in r.rooms.join[room_id].timeline.events:
            if isinstance(event, MegolmEvent):
                seen["pending"].append(event)
            elif isinstance(event, RoomMessageText) and event.sender != c.user_id:
                seen["texts"].append(event.body)
    # Room keys that came late: decrypt what waited for them.
    for event in list(seen["pending"]):
        try:
            decrypted = c.decrypt_event(event)
        except Exception:  # still no key
            continue
        seen["pending"].remove(event)
        if isinstance(decrypted, RoomMessageText) and decrypted.sender != c.user_id:
            seen["texts"].append(decrypted.body)
    return r


async def until(what, check):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.5)
    print(f"timed out: {what}", file=sys.stderr)
    return False


async def run(url_a, url_b, report):
    tmp = tempfile.mkdtemp(prefix="starling-nio-fed-e2ee-")
    alice = client(url_a, os.path.join(tmp, "alice"))
    bob = client(url_b, os.path.join(tmp, "bob"))
    try:
        await alice.register("fedalice", PASSWORD)
        await bob.register("fedbob", PASSWORD)
        for name, c in (("alice", alice), ("bob", bob)):
            r = await c.keys_upload()
            count = r.signed_curve25519_count if isinstance(r, KeysUploadResponse) else None
            report.step(f"{name} uploads keys", r, signed_curve25519=count)
            report.expect(f"{name} uploads keys", isinstance(r, KeysUploadResponse) and count and count > 0,
                          "KeysUploadResponse counting the uploaded one-time keys")
            await c.sync(timeout=0)

        r = await alice.room_create(name="Secret across", invite=[bob.user_id], initial_state=[ENCRYPTION])
        room_id = getattr(r, "room_id", None)
        report.step("alice creates an encrypted room inviting bob", r, room_id=room_id)

        async def invited():
            r = await bob.sync(timeout=0)
            return isinstance(r, SyncResponse) and room_id in r.rooms.invite
        ok = await until("bob's invite", invited)
        report.step("bob's server shows the invite", None, invited=ok)
        report.expect("bob's server shows the invite", ok, "the room under rooms.invite")
        r = await bob.join(room_id)
        report.step("bob joins over federation", r)

        async def joined():
            await alice.sync(timeout=0)
            return room_id in alice.rooms and bob.user_id in alice.rooms[room_id].users
        ok = await until("alice sees bob joined", joined)
        report.expect("bob joins over federation", ok, "alice's server has bob joined")

        for name, c, other in (("alice", alice, bob), ("bob", bob, alice)):
            async def sees_device(c=c, other=other):
                await c.sync(timeout=0)
                c.users_for_key_query.add(other.user_id)
                await c.keys_query()
                return [d.id for d in c.device_store.active_user_devices(other.user_id)] == [other.device_id]
            ok = await until(f"{name} sees the other's device", sees_device)
            encrypted = room_id in c.rooms and c.rooms[room_id].encrypted
            report.step(f"{name} queries the other's keys over federation", None, device=ok, encrypted=encrypted)
            report.expect(f"{name} queries the other's keys over federation", ok and encrypted,
                          "the other's one device, in an encrypted room")
            missing = c.get_missing_sessions(room_id)
            r = await c.keys_claim(missing) if missing else None
            claimed = list(r.one_time_keys.get(other.user_id, {}).keys()) if isinstance(r, KeysClaimResponse) else []
            report.step(f"{name} claims a one-time key of the other's device", r, claimed=claimed)
            report.expect(f"{name} claims a one-time key of the other's device", claimed == [other.device_id],
                          "a key of the other's device")

        sent = {"alice": [], "bob": []}
        seen = {name: {"texts": [], "pending": []} for name in ("alice", "bob")}
        clients = {"alice": alice, "bob": bob}
        for i in range(COUNT):
            for name, reader in (("alice", "bob"), ("bob", "alice")):
                text = f"secret {name} {i}"
                r = await clients[name].room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": text},
                                                  ignore_unverified_devices=True)
                report.step(f"{name} sends {i}", r)
                sent[name].append(text)

                async def arrived(reader=reader, name=name):
                    await sync(clients[reader], room_id, seen[reader])
                    return seen[reader]["texts"] == sent[name]
                await until(f"{reader} decrypts {text}", arrived)
        for reader, writer in (("alice", "bob"), ("bob", "alice")):
            step = f"{reader} decrypts every message of {writer}"
            report.step(step, None, texts=seen[reader]["texts"], undecryptable=[e.event_id for e in seen[reader]["pending"]])
            report.expect(step, seen[reader]["texts"] == sent[writer] and not seen[reader]["pending"],
                          f"{COUNT} decrypted messages in send order")
        report.step("messages decrypted", None, count=len(seen["alice"]["texts"]) + len(seen["bob"]["texts"]))
    finally:
        for c in (alice, bob):
            await c.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(harness.main(sys.argv, run, __doc__))
