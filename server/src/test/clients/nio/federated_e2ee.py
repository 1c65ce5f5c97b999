#!/usr/bin/python3
"""End-to-end encryption across two Starling servers through matrix-nio (libolm).

    /usr/bin/python3 federated_e2ee.py HOMESERVER_A_URL HOMESERVER_B_URL

Alice registers on A and Bob on B, each with an Olm store and each logged in to their own server. Alice creates
an encrypted room inviting Bob; the invite reaches B over federation and Bob joins through A. Each queries the
other's device keys (/keys/query across servers), Alice claims a one-time key of Bob's device (/keys/claim across
servers), and both send messages: Megolm sessions travel as Olm to-device messages (m.direct_to_device over
federation) and the m.room.encrypted events as PDUs. Each side must decrypt every message of the other, in order.

Prints one JSON report on stdout: {"nio": version, "steps": {name: what was observed}, "failures": [...]}.
Exits 0 when every observation matched, 1 on any mismatch, 2 on bad usage. Logs go to stderr.
"""

import asyncio
import os
import shutil
import sys
import tempfile

import harness
from harness import PASSWORD

from nio import AsyncClient, AsyncClientConfig, MegolmEvent, RoomMessageText
from nio.responses import KeysClaimResponse, KeysQueryResponse, KeysUploadResponse, SyncResponse

COUNT = 3
WAIT = 20  # seconds for something to cross federation
ENCRYPTION = {"type": "m.room.encryption", "state_key": "",
              "content": {"algorithm": "m.megolm.v1.aes-sha2"}}


def client(url, store):
    os.makedirs(store)
    config = AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0, request_timeout=30,
                               encryption_enabled=True, store_sync_tokens=False)
    return AsyncClient(url, config=config, store_path=store)


async def until(what, attempt):
    """Calls `attempt` (async, returns a truthy value when done) every 0.2 s for up to WAIT seconds."""
    for _ in range(WAIT * 5):
        result = await attempt()
        if result:
            return result
        await asyncio.sleep(0.2)
    return None


async def sync(client, room_id, seen):
    """One incremental sync: records the decrypted texts and the events nio could not decrypt."""
    r = await client.sync(timeout=0, sync_filter={"room": {"timeline": {"limit": 50}}})
    if isinstance(r, SyncResponse) and room_id in r.rooms.join:
        for event in r.rooms.join[room_id].timeline.events:
            if isinstance(event, RoomMessageText) and event.sender != client.user_id:
                seen["texts"].append(event.body)
                seen["decrypted"] &= bool(getattr(event, "decrypted", False))
            elif isinstance(event, MegolmEvent):
                seen["undecryptable"].append(event.event_id)
    return r


async def run(url_a, url_b, report):
    tmp = tempfile.mkdtemp(prefix="starling-nio-fed-e2ee-")
    alice = client(url_a, os.path.join(tmp, "alice"))
    bob = client(url_b, os.path.join(tmp, "bob"))
    try:
        await alice.register("alice", PASSWORD)
        await bob.register("bob", PASSWORD)
        for name, c in (("alice", alice), ("bob", bob)):
            r = await c.keys_upload()
            count = r.signed_curve25519_count if isinstance(r, KeysUploadResponse) else None
            report.step(f"{name} uploads keys", r, signed_curve25519=count)
            report.expect(f"{name} uploads keys", isinstance(r, KeysUploadResponse) and count and count > 0,
                          "KeysUploadResponse counting the uploaded one-time keys")
            await c.sync(timeout=0)

        r = await alice.room_create(name="Secret", invite=[bob.user_id], initial_state=[ENCRYPTION])
        room_id = r.room_id
        report.step("alice creates the encrypted room inviting bob", r, room_id=room_id)

        async def invited():
            await bob.sync(timeout=0)
            return room_id in bob.invited_rooms
        report.step("bob sees the invite", None, invited=bool(await until("invite", invited)))
        report.expect("bob sees the invite", room_id in bob.invited_rooms, "the room under rooms.invite")
        r = await bob.join(room_id)
        report.step("bob joins through A", r)

        async def joined():
            await alice.sync(timeout=0)
            room = alice.rooms.get(room_id)
            return room is not None and bob.user_id in room.users
        report.step("alice sees bob joined", None, joined=bool(await until("join", joined)))
        report.expect("alice sees bob joined", alice.rooms.get(room_id) and bob.user_id in alice.rooms[room_id].users,
                      "bob among the room's members")

        for name, c, other in (("alice", alice, bob), ("bob", bob, alice)):
            await c.sync(timeout=0)
            encrypted = room_id in c.rooms and c.rooms[room_id].encrypted

            async def devices(c=c, other=other):
                if c.should_query_keys:
                    await c.keys_query()
                found = [d.id for d in c.device_store.active_user_devices(other.user_id)]
                if not found:
                    c.olm.users_for_key_query.add(other.user_id)
                return found
            found = await until("devices", devices) or []
            report.step(f"{name} queries the other's keys across servers", None, devices=found, encrypted=encrypted)
            report.expect(f"{name} queries the other's keys across servers", found == [other.device_id] and encrypted,
                          "the other's one device, in an encrypted room")

        missing = alice.get_missing_sessions(room_id)
        r = await alice.keys_claim(missing)
        claimed = list(r.one_time_keys.get(bob.user_id, {}).keys()) if isinstance(r, KeysClaimResponse) else []
        report.step("alice claims a one-time key of bob's device across servers", r, missing=missing, claimed=claimed)
        report.expect("alice claims a one-time key of bob's device across servers", claimed == [bob.device_id],
                      "a key of bob's device")

        sent = {"alice": [], "bob": []}
        seen = {name: {"texts": [], "undecryptable": [], "decrypted": True} for name in ("alice", "bob")}
        clients = {"alice": alice, "bob": bob}
        for i in range(COUNT):
            for name, reader in (("alice", "bob"), ("bob", "alice")):
                c = clients[name]
                text = f"secret {name} {i}"
                r = await c.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": text},
                                      ignore_unverified_devices=True)
                report.step(f"{name} sends {i}", r)
                sent[name].append(text)
                await sync(c, room_id, seen[name])

                async def arrived(rc=clients[reader], s=seen[reader], n=len(sent[name])):
                    await sync(rc, room_id, s)
                    return len(s["texts"]) + len(s["undecryptable"]) >= n
                await until("message", arrived)
        for reader, writer in (("alice", "bob"), ("bob", "alice")):
            step = f"{reader} decrypts every message of {writer}"
            report.step(step, None, texts=seen[reader]["texts"], undecryptable=seen[reader]["undecryptable"],
                        all_flagged_decrypted=seen[reader]["decrypted"])
            report.expect(step, seen[reader]["texts"] == sent[writer] and not seen[reader]["undecryptable"]
                          and seen[reader]["decrypted"], f"{COUNT} decrypted messages in send order")
        report.step("messages decrypted", None, count=len(seen["alice"]["texts"]) + len(seen["bob"]["texts"]))
    finally:
        for c in (alice, bob):
            await c.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(harness.main(sys.argv, run, __doc__))
