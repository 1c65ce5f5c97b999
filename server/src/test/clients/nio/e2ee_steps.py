"""The end-to-end encryption steps the nio scripts share (e2ee.py on one server, federated_e2ee.py across two).

Two users, each a matrix-nio client with its own Olm store (libolm), upload their keys, and, once they share an
encrypted room, send messages in turn: each sender shares its Megolm session over Olm to-device messages and
sends m.room.encrypted events; each reader must decrypt every message of the other, in send order. A message
whose room key arrives in a later sync than the message itself is decrypted once the key is there, as a client
would, and counted under `decrypted_late` (a script may require none).
"""

import asyncio
import os
import sys
import time

from nio import AsyncClient, AsyncClientConfig, MegolmEvent, RoomMessageText
from nio.responses import KeysUploadResponse, SyncResponse

ENCRYPTION = {"type": "m.room.encryption", "state_key": "",
              "content": {"algorithm": "m.megolm.v1.aes-sha2"}}


def client(url, store):
    """A fail-fast nio client with encryption on and its Olm store in the (new) directory `store`."""
    os.makedirs(store)
    config = AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0, request_timeout=30,
                               encryption_enabled=True, store_sync_tokens=False)
    return AsyncClient(url, config=config, store_path=store)


async def until(what, check, wait):
    """Calls `check` (async, truthy when done) every 0.2 s for up to `wait` seconds; its last result."""
    deadline = time.monotonic() + wait
    while True:
        result = await check()
        if result or time.monotonic() >= deadline:
            break
        await asyncio.sleep(0.2)
    if not result:
        print(f"timed out: {what}", file=sys.stderr)
    return result


async def upload_keys(report, clients):
    """Each client ({name: client}) uploads its device keys and one-time keys, then syncs once."""
    for name, c in clients.items():
        r = await c.keys_upload()
        count = r.signed_curve25519_count if isinstance(r, KeysUploadResponse) else None
        report.step(f"{name} uploads keys", r, signed_curve25519=count)
        report.expect(f"{name} uploads keys", isinstance(r, KeysUploadResponse) and count and count > 0,
                      "KeysUploadResponse counting the uploaded one-time keys")
        await c.sync(timeout=0)


def seen():
    """What a reader has seen: decrypted texts of the other, events still waiting for their room key, and the
    events decrypted only in a later sync than the one that brought them."""
    return {"texts": [], "pending": [], "late": [], "flagged_decrypted": True}


async def sync(c, room_id, s):
    """One incremental sync of `c`: records the other's decrypted texts; retries the waiting events."""
    r = await c.sync(timeout=0, sync_filter={"room": {"timeline": {"limit": 50}}})
    if isinstance(r, SyncResponse) and room_id in r.rooms.join:
        for event in r.rooms.join[room_id].timeline.events:
            if isinstance(event, MegolmEvent):
                s["pending"].append(event)
            elif isinstance(event, RoomMessageText) and event.sender != c.user_id:
                s["texts"].append(event.body)
                s["flagged_decrypted"] &= bool(getattr(event, "decrypted", False))
    for event in list(s["pending"]):
        try:
            decrypted = c.decrypt_event(event)
        except Exception:  # still no key
            continue
        s["pending"].remove(event)
        s["late"].append(event.event_id)
        if isinstance(decrypted, RoomMessageText) and decrypted.sender != c.user_id:
            s["texts"].append(decrypted.body)
    return r


async def exchange(report, room_id, clients, count, wait, allow_late=True):
    """The two clients ({name: client}) send `count` messages each, in turn; after each send the reader syncs
    until it has the message (up to `wait` seconds). Records "<reader> decrypts every message of <writer>" for
    both and "messages decrypted" with the total count."""
    (a, b) = clients
    sent = {name: [] for name in clients}
    seen_by = {name: seen() for name in clients}
    for i in range(count):
        for name, reader in ((a, b), (b, a)):
            text = f"secret {name} {i}"
            r = await clients[name].room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": text},
                                              ignore_unverified_devices=True)
            report.step(f"{name} sends {i}", r)
            sent[name].append(text)

            async def arrived(reader=reader, name=name):
                await sync(clients[reader], room_id, seen_by[reader])
                return len(seen_by[reader]["texts"]) >= len(sent[name])
            await until(f"{reader} decrypts {text}", arrived, wait)
    for reader, writer in ((a, b), (b, a)):
        s = seen_by[reader]
        step = f"{reader} decrypts every message of {writer}"
        report.step(step, None, texts=s["texts"], undecryptable=[e.event_id for e in s["pending"]],
                    decrypted_late=s["late"], all_flagged_decrypted=s["flagged_decrypted"])
        report.expect(step, s["texts"] == sent[writer] and not s["pending"] and s["flagged_decrypted"]
                      and (allow_late or not s["late"]),
                      f"{count} decrypted messages in send order" + ("" if allow_late else ", none late"))
    report.step("messages decrypted", None, count=sum(len(s["texts"]) for s in seen_by.values()))
