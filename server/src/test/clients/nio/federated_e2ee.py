#!/usr/bin/python3
"""End-to-end encryption across two homeservers (federation) through matrix-nio (libolm), one user on each.

    /usr/bin/python3 federated_e2ee.py HOMESERVER_A_URL HOMESERVER_B_URL

(harness.main's second argument, normally the server name, is the second server's URL here.) The one
cross-server E2EE script: two Starling servers (NioFederatedE2eeTest) or Starling and Synapse
(SynapseInteropTest). Alice registers on A and Bob on B, each with an Olm store and each logged in to their own
server. Alice creates an encrypted room on A inviting Bob; the invite reaches B over federation and Bob joins
through A. Each then sees the other's device through /keys/query (answered by the other server over
federation) and claims a one-time key of it (/keys/claim over federation), and they send messages both ways
(e2ee_steps.exchange): Megolm sessions travel as Olm to-device messages (m.direct_to_device EDUs), the messages
as m.room.encrypted PDUs. Each side must decrypt every message of the other, in order (a message whose room key
arrives in a later sync than the message itself is decrypted once the key is there, as a client would).

Prints one JSON report on stdout: {"nio": version, "steps": {name: what was observed}, "failures": [...]}.
Exits 0 when every observation matched, 1 on any mismatch, 2 on bad usage. Logs go to stderr.
"""

import os
import shutil
import sys
import tempfile

import e2ee_steps
import harness
from e2ee_steps import ENCRYPTION, until
from harness import PASSWORD

from nio.responses import KeysClaimResponse, SyncResponse

COUNT = 3
WAIT = 40  # seconds for something to cross federation


async def run(url_a, url_b, report):
    tmp = tempfile.mkdtemp(prefix="starling-nio-fed-e2ee-")
    alice = e2ee_steps.client(url_a, os.path.join(tmp, "alice"))
    bob = e2ee_steps.client(url_b, os.path.join(tmp, "bob"))
    try:
        await alice.register("fedalice", PASSWORD)
        await bob.register("fedbob", PASSWORD)
        await e2ee_steps.upload_keys(report, {"alice": alice, "bob": bob})

        r = await alice.room_create(name="Secret across", invite=[bob.user_id], initial_state=[ENCRYPTION])
        room_id = getattr(r, "room_id", None)
        report.step("alice creates an encrypted room inviting bob", r, room_id=room_id)

        async def invited():
            r = await bob.sync(timeout=0)
            return isinstance(r, SyncResponse) and room_id in r.rooms.invite
        ok = bool(await until("bob's invite", invited, WAIT))
        report.step("bob's server shows the invite", None, invited=ok)
        report.expect("bob's server shows the invite", ok, "the room under rooms.invite")
        r = await bob.join(room_id)
        report.step("bob joins over federation", r)

        async def joined():
            await alice.sync(timeout=0)
            return room_id in alice.rooms and bob.user_id in alice.rooms[room_id].users
        ok = bool(await until("alice sees bob joined", joined, WAIT))
        report.expect("bob joins over federation", ok, "alice's server has bob joined")

        for name, c, other in (("alice", alice, bob), ("bob", bob, alice)):
            async def sees_device(c=c, other=other):
                await c.sync(timeout=0)
                c.users_for_key_query.add(other.user_id)
                await c.keys_query()
                return [d.id for d in c.device_store.active_user_devices(other.user_id)] == [other.device_id]
            ok = bool(await until(f"{name} sees the other's device", sees_device, WAIT))
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

        await e2ee_steps.exchange(report, room_id, {"alice": alice, "bob": bob}, COUNT, WAIT)
    finally:
        for c in (alice, bob):
            await c.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(harness.main(sys.argv, run, __doc__))
