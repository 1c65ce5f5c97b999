#!/usr/bin/python3
"""End-to-end encryption through a real Matrix client: matrix-nio (libolm) against a running Starling homeserver.

    /usr/bin/python3 e2ee.py HOMESERVER_URL SERVER_NAME

Alice and Bob register with an Olm store each (in a temporary directory) and upload their device keys and
one-time keys; Alice creates an encrypted room (m.megolm.v1.aes-sha2 in initial_state) inviting Bob, who joins;
each sees the other in device_lists.changed and queries their keys. They then send messages both ways: each
sender claims a one-time key of the other's device, shares its Megolm session over Olm to-device messages, and
sends m.room.encrypted events; each side must decrypt every message of the other, in order.

Prints one JSON report on stdout: {"nio": version, "steps": {name: what was observed}, "failures": [...]}.
Exits 0 when every observation matched, 1 on any mismatch, 2 on bad usage. Logs go to stderr.
"""

import os
import shutil
import sys
import tempfile

import harness
from harness import PASSWORD

from nio import AsyncClient, AsyncClientConfig, MegolmEvent, RoomMessageText
from nio.responses import KeysClaimResponse, KeysQueryResponse, KeysUploadResponse, SyncResponse

COUNT = 3
ENCRYPTION = {"type": "m.room.encryption", "state_key": "",
              "content": {"algorithm": "m.megolm.v1.aes-sha2"}}


def client(url, store):
    os.makedirs(store)
    config = AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0, request_timeout=30,
                               encryption_enabled=True, store_sync_tokens=False)
    return AsyncClient(url, config=config, store_path=store)


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


async def run(url, server_name, report):
    tmp = tempfile.mkdtemp(prefix="starling-nio-e2ee-")
    alice = client(url, os.path.join(tmp, "alice"))
    bob = client(url, os.path.join(tmp, "bob"))
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
        await bob.sync(timeout=0)
        await bob.join(room_id)
        for name, c, other in (("alice", alice, bob), ("bob", bob, alice)):
            r = await c.sync(timeout=0)
            changed = r.device_list.changed if isinstance(r, SyncResponse) else []
            encrypted = room_id in c.rooms and c.rooms[room_id].encrypted
            report.step(f"{name} sees the encrypted room and the other's device list change", r,
                        changed=changed, encrypted=encrypted)
            report.expect(f"{name} sees the encrypted room and the other's device list change",
                          other.user_id in changed and encrypted, "the other user in device_lists.changed")
            r = await c.keys_query()
            devices = list(c.device_store.active_user_devices(other.user_id)) if isinstance(r, KeysQueryResponse) else []
            report.step(f"{name} queries the other's keys", r, devices=[d.id for d in devices])
            report.expect(f"{name} queries the other's keys", [d.id for d in devices] == [other.device_id],
                          "the other's one device")

        missing = alice.get_missing_sessions(room_id)
        r = await alice.keys_claim(missing)
        claimed = list(r.one_time_keys.get(bob.user_id, {}).keys()) if isinstance(r, KeysClaimResponse) else []
        report.step("alice claims a one-time key of bob's device", r, missing=missing, claimed=claimed)
        report.expect("alice claims a one-time key of bob's device", claimed == [bob.device_id],
                      "a key of bob's device")

        sent = {"alice": [], "bob": []}
        seen = {name: {"texts": [], "undecryptable": [], "decrypted": True} for name in ("alice", "bob")}
        for i in range(COUNT):
            for name, c in (("alice", alice), ("bob", bob)):
                text = f"secret {name} {i}"
                r = await c.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": text},
                                      ignore_unverified_devices=True)
                report.step(f"{name} sends {i}", r)
                sent[name].append(text)
                for reader, rc in (("alice", alice), ("bob", bob)):
                    await sync(rc, room_id, seen[reader])
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
