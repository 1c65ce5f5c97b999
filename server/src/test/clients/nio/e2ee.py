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

import e2ee_steps
import harness
from e2ee_steps import ENCRYPTION
from harness import PASSWORD

from nio.responses import KeysClaimResponse, KeysQueryResponse, SyncResponse

COUNT = 3
WAIT = 10  # seconds; on one server a message and its room key arrive together


async def run(url, server_name, report):
    tmp = tempfile.mkdtemp(prefix="starling-nio-e2ee-")
    alice = e2ee_steps.client(url, os.path.join(tmp, "alice"))
    bob = e2ee_steps.client(url, os.path.join(tmp, "bob"))
    try:
        await alice.register("alice", PASSWORD)
        await bob.register("bob", PASSWORD)
        await e2ee_steps.upload_keys(report, {"alice": alice, "bob": bob})

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

        await e2ee_steps.exchange(report, room_id, {"alice": alice, "bob": bob}, COUNT, WAIT, allow_late=False)
    finally:
        for c in (alice, bob):
            await c.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(harness.main(sys.argv, run, __doc__))
