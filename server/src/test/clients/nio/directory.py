#!/usr/bin/python3
"""Aliases, the room directory and profiles through a real Matrix client: matrix-nio's AsyncClient against a
running Starling homeserver.

    /usr/bin/python3 directory.py HOMESERVER_URL SERVER_NAME

Alice creates a public room with the alias #lobby; Bob resolves it, sees the room published, and joins by
the alias; Alice adds and Bob fails to delete a second alias, which Alice then deletes; Bob sets his display
name and avatar, reads them back, and Alice's sync shows the new name on Bob's member event.

Prints one JSON report on stdout: {"nio": version, "steps": {name: what was observed}, "failures": [...]}.
Exits 0 when every observation matched, 1 on any mismatch, 2 on bad usage. Logs go to stderr.
"""

import sys

import harness
from harness import PASSWORD

from nio import AsyncClient, RoomPreset, RoomVisibility
from nio.responses import (JoinResponse, ProfileGetResponse, ProfileSetAvatarResponse,
                           ProfileSetDisplayNameResponse, RoomCreateResponse, RoomGetVisibilityResponse,
                           RoomPutAliasResponse, RoomResolveAliasResponse, SyncResponse)


async def run(url, server_name, report):
    alice = AsyncClient(url, config=harness.config(30))
    bob = AsyncClient(url, config=harness.config(30))
    lobby = f"#lobby:{server_name}"
    second = f"#second:{server_name}"
    try:
        await alice.register("alice", PASSWORD)
        await bob.register("bob", PASSWORD)

        r = await alice.room_create(alias="lobby", name="Lobby", visibility=RoomVisibility.public,
                                    preset=RoomPreset.public_chat)
        report.step("alice creates #lobby", r)
        report.expect("alice creates #lobby", isinstance(r, RoomCreateResponse), "RoomCreateResponse")
        room_id = r.room_id

        r = await bob.room_resolve_alias(lobby)
        report.step("bob resolves #lobby", r, room_id=getattr(r, "room_id", None))
        report.expect("bob resolves #lobby", isinstance(r, RoomResolveAliasResponse) and r.room_id == room_id,
                      "the room's ID")
        r = await bob.room_get_visibility(room_id)
        report.step("the room is published", r, visibility=getattr(r, "visibility", None))
        report.expect("the room is published", isinstance(r, RoomGetVisibilityResponse) and r.visibility == "public",
                      "visibility public")
        r = await bob.join(lobby)
        report.step("bob joins by alias", r, room_id=getattr(r, "room_id", None))
        report.expect("bob joins by alias", isinstance(r, JoinResponse) and r.room_id == room_id, "the room's ID")

        r = await alice.room_put_alias(second, room_id)
        report.step("alice adds #second", r)
        report.expect("alice adds #second", isinstance(r, RoomPutAliasResponse), "RoomPutAliasResponse")
        r = await bob.room_delete_alias(second)
        # nio 0.20 parses every answer to this request as a RoomDeleteAliasResponse: read the HTTP status.
        status = r.transport_response.status if r.transport_response is not None else None
        report.step("bob may not delete #second", r, status=status)
        report.expect("bob may not delete #second", status == 403, "HTTP 403")
        r = await alice.room_delete_alias(second)
        status = r.transport_response.status if r.transport_response is not None else None
        report.step("alice deletes #second", r, status=status)
        report.expect("alice deletes #second", status == 200, "HTTP 200")
        r = await bob.room_resolve_alias(second)
        report.step("#second is gone", r)
        report.expect("#second is gone", not isinstance(r, RoomResolveAliasResponse), "an error")

        await alice.sync(timeout=0)
        r = await bob.set_displayname("Bobby")
        report.step("bob sets his name", r)
        report.expect("bob sets his name", isinstance(r, ProfileSetDisplayNameResponse), "ProfileSetDisplayNameResponse")
        r = await bob.set_avatar(f"mxc://{server_name}/bob")
        report.step("bob sets his avatar", r)
        report.expect("bob sets his avatar", isinstance(r, ProfileSetAvatarResponse), "ProfileSetAvatarResponse")
        r = await alice.get_profile(bob.user_id)
        report.step("alice reads bob's profile", r, displayname=getattr(r, "displayname", None),
                    avatar_url=getattr(r, "avatar_url", None))
        report.expect("alice reads bob's profile", isinstance(r, ProfileGetResponse) and r.displayname == "Bobby"
                      and r.avatar_url == f"mxc://{server_name}/bob", "Bobby with his avatar")
        r = await alice.sync(timeout=5000)
        name = alice.rooms[room_id].user_name(bob.user_id) if room_id in alice.rooms else None
        report.step("alice's sync shows bob's new name", r, shown=name)
        report.expect("alice's sync shows bob's new name", isinstance(r, SyncResponse) and name == "Bobby", "Bobby")
    finally:
        for client in (alice, bob):
            await client.close()


if __name__ == "__main__":
    sys.exit(harness.main(sys.argv, run, __doc__))
