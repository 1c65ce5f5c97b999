#!/usr/bin/python3
"""Accounts through a real Matrix client: matrix-nio's AsyncClient against a running Starling homeserver.

    /usr/bin/python3 accounts.py HOMESERVER_URL SERVER_NAME

Registers two users (nio's register: m.login.dummy in one request), checks whoami (nio's typed call, which
sends the token as the access_token query parameter, and a raw request through nio with the Authorization
header, to see the device ID), lists the login flows, logs in again with the password (a new device), tries a
wrong password, logs out (the token is then refused), logs out all of a user's devices, and registers a name
that is taken (M_USER_IN_USE).

Prints one JSON report on stdout: {"nio": version, "steps": {name: what was observed}, "failures": [...]}.
Exits 0 when every observation matched, 1 on any mismatch, 2 on bad usage. Logs go to stderr.
Run with Debian's /usr/bin/python3 (python3-matrix-nio, python3-olm; scripts/clients.sh installs them).
"""

import asyncio
import sys

import harness
from harness import PASSWORD

from nio import AsyncClient
from nio.responses import (
    LoginError,
    LoginInfoResponse,
    LoginResponse,
    LogoutResponse,
    RegisterResponse,
    WhoamiError,
    WhoamiResponse,
    RegisterErrorResponse,
)



async def raw_whoami(client, token):
    """GET /account/whoami through nio's raw send, token in the Authorization header: (status, body)."""
    response = await client.send("GET", "/_matrix/client/v3/account/whoami",
                                 headers={"Authorization": f"Bearer {token}"})
    return response.status, await response.json(content_type=None)


async def run(url, server_name, report):
    def user_id(localpart):
        return f"@{localpart}:{server_name}"

    alice = AsyncClient(url, config=harness.config())
    bob = AsyncClient(url, config=harness.config())
    alice2 = AsyncClient(url, user_id("alice"), config=harness.config())
    bob2 = AsyncClient(url, user_id("bob"), config=harness.config())
    squatter = AsyncClient(url, config=harness.config())
    try:
        # Discovery, raw through nio: the spec versions and the login flows.
        response = await alice.send("GET", "/_matrix/client/versions")
        versions = (await response.json(content_type=None)).get("versions", [])
        report.steps["versions"] = {"status": response.status, "versions": versions}
        report.expect("versions", response.status == 200 and len(versions) > 0, "200 with a non-empty list")

        r = await alice.login_info()
        report.step("login flows", r, flows=getattr(r, "flows", None))
        report.expect("login flows", isinstance(r, LoginInfoResponse) and "m.login.password" in r.flows,
                      "m.login.password offered")

        # Two users register; nio sends the m.login.dummy stage in the first request.
        sessions = {}
        for name, client in (("alice", alice), ("bob", bob)):
            r = await client.register(name, PASSWORD, device_name=f"nio {name}")
            step = f"register {name}"
            report.step(step, r, user_id=getattr(r, "user_id", None), device_id=getattr(r, "device_id", None),
                        has_token=bool(getattr(r, "access_token", None)))
            report.expect(step, isinstance(r, RegisterResponse) and r.user_id == user_id(name)
                          and r.device_id and r.access_token, f"RegisterResponse for {user_id(name)}")
            report.expect(step, client.logged_in and client.user_id == user_id(name),
                          "nio to hold the new session")
            sessions[name] = (getattr(r, "device_id", None), getattr(r, "access_token", None))

        # whoami: nio's typed call (token in the query string) and raw (Authorization header).
        for name, client in (("alice", alice), ("bob", bob)):
            r = await client.whoami()
            step = f"whoami {name}"
            report.step(step, r, user_id=getattr(r, "user_id", None))
            report.expect(step, isinstance(r, WhoamiResponse) and r.user_id == user_id(name), user_id(name))
            status, body = await raw_whoami(client, client.access_token)
            step = f"raw whoami {name}"
            report.steps[step] = {"status": status, "body": body}
            report.expect(step, status == 200 and body.get("user_id") == user_id(name)
                          and body.get("device_id") == sessions[name][0] and body.get("is_guest") is False,
                          f"200 with {user_id(name)}, device {sessions[name][0]}, is_guest false")

        # A second client logs alice in with her password: a new device with its own token.
        r = await alice2.login(PASSWORD, device_name="nio alice 2")
        report.step("login alice again", r, user_id=getattr(r, "user_id", None),
                    device_id=getattr(r, "device_id", None))
        report.expect("login alice again", isinstance(r, LoginResponse) and r.user_id == user_id("alice")
                      and r.device_id and r.device_id != sessions["alice"][0]
                      and r.access_token != sessions["alice"][1], "a LoginResponse with a new device and token")
        status, body = await raw_whoami(alice2, alice2.access_token)
        report.steps["raw whoami alice again"] = {"status": status, "body": body}
        report.expect("raw whoami alice again", status == 200 and body.get("device_id") == alice2.device_id,
                      "the new device")

        wrong = AsyncClient(url, user_id("alice"), config=harness.config())
        try:
            r = await wrong.login("not the password")
            report.step("login wrong password", r)
            report.expect("login wrong password", isinstance(r, LoginError) and r.status_code == "M_FORBIDDEN",
                          "LoginError M_FORBIDDEN")
        finally:
            await wrong.close()

        # Logout: the second device's token is refused afterwards; the first device is untouched.
        token = alice2.access_token
        r = await alice2.logout()
        report.step("logout alice again", r, token_cleared_by_nio=alice2.access_token == "")
        report.expect("logout alice again", isinstance(r, LogoutResponse), "LogoutResponse")
        alice2.access_token = token
        r = await alice2.whoami()
        report.step("whoami after logout", r)
        report.expect("whoami after logout", isinstance(r, WhoamiError) and r.status_code == "M_UNKNOWN_TOKEN",
                      "WhoamiError M_UNKNOWN_TOKEN")
        r = await alice.whoami()
        report.step("whoami first device after logout", r, user_id=getattr(r, "user_id", None))
        report.expect("whoami first device after logout", isinstance(r, WhoamiResponse),
                      "the first device still logged in")

        # logout/all: both of bob's devices lose their tokens.
        r = await bob2.login(PASSWORD, device_name="nio bob 2")
        report.step("login bob again", r, device_id=getattr(r, "device_id", None))
        report.expect("login bob again", isinstance(r, LoginResponse), "LoginResponse")
        token = bob2.access_token
        r = await bob2.logout(all_devices=True)
        report.step("logout all bob", r)
        report.expect("logout all bob", isinstance(r, LogoutResponse), "LogoutResponse")
        bob2.access_token = token
        for step, client in (("whoami bob after logout all", bob), ("whoami bob again after logout all", bob2)):
            r = await client.whoami()
            report.step(step, r)
            report.expect(step, isinstance(r, WhoamiError) and r.status_code == "M_UNKNOWN_TOKEN",
                          "WhoamiError M_UNKNOWN_TOKEN")

        # A taken name: nio gets a RegisterErrorResponse with M_USER_IN_USE.
        r = await squatter.register("alice", "another password")
        report.step("register taken name", r)
        report.expect("register taken name", isinstance(r, RegisterErrorResponse)
                      and r.status_code == "M_USER_IN_USE", "RegisterErrorResponse M_USER_IN_USE")
        report.expect("register taken name", not squatter.logged_in, "no session in nio")
    finally:
        for client in (alice, bob, alice2, bob2, squatter):
            await client.close()


if __name__ == "__main__":
    sys.exit(harness.main(sys.argv, run, __doc__))
