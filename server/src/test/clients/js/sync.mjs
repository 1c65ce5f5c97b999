// Rooms, sync and history through the real matrix-js-sdk (no encryption) against a running Starling homeserver.
const DOC = `
    node sync.mjs HOMESERVER_URL SERVER_NAME

Alice and Bob register (user-interactive auth, m.login.dummy) and log in with a password on a new device;
both start the SDK's /sync loop. Alice creates a room inviting Bob; Bob's sync shows the invite and he
joins; Alice's sync shows him joined. They take turns sending 10 messages each, every one awaited in
the other's live timeline (so every message wakes a long-poll); both timelines end up holding all of them
in send order. A third client (Alice on another device) starts with a short initial timeline and
paginates back through /messages to the room's creation.

Prints one JSON report on stdout (see harness.mjs). Exits 0 when every observation matched, 1 on any
mismatch, crash or timeout, 2 on bad usage. Logs go to stderr.`;

import { PASSWORD, login, main, register, startAndWaitForSync, timelineBodies, waitFor } from "./harness.mjs";

const COUNT = 10;

async function run(url, serverName, report) {
    const clients = [];
    try {
        for (const name of ["alice", "bob"]) {
            const answer = await register(report, url, name);
            report.step(`register ${name}`, { user_id: answer.user_id, device_id: answer.device_id });
            report.expect(`register ${name}`, answer.user_id === `@${name}:${serverName}`, `@${name}:${serverName}`);
        }
        const alice = await login(report, url, "alice");
        const bob = await login(report, url, "bob");
        clients.push(alice, bob);
        report.step("login", { alice: alice.getDeviceId(), bob: bob.getDeviceId() });

        for (const [name, c] of [["alice", alice], ["bob", bob]]) {
            const synced = await startAndWaitForSync(c);
            report.step(`${name} first sync`, { synced: !!synced, state: c.getSyncState() });
            report.expect(`${name} first sync`, synced, "the initial sync processed");
        }

        const { room_id: roomId } = await alice.createRoom({
            name: "Chat",
            preset: "private_chat",
            invite: [bob.getUserId()],
        });
        report.step("alice creates the room", { room_id: roomId });

        const invited = await waitFor(() => bob.getRoom(roomId)?.getMyMembership() === "invite");
        report.step("bob sees the invite", { invited: !!invited });
        report.expect("bob sees the invite", invited, "the room with membership invite");

        await bob.joinRoom(roomId);
        const joined = await waitFor(() => alice.getRoom(roomId)?.getMember(bob.getUserId())?.membership === "join");
        report.step("alice sees bob join", { joined: !!joined, members: alice.getRoom(roomId)?.getJoinedMemberCount() });
        report.expect("alice sees bob join", joined, "bob's membership join in alice's room state");

        const sent = [];
        let missed = null;
        for (let i = 0; i < COUNT && missed === null; i++) {
            for (const [name, sender, receiver] of [["alice", alice, bob], ["bob", bob, alice]]) {
                const body = `${name} ${i}`;
                await sender.sendTextMessage(roomId, body);
                sent.push(body);
                if (!(await waitFor(() => timelineBodies(receiver.getRoom(roomId)).includes(body)))) {
                    missed = body;
                    break;
                }
            }
        }
        report.step("each message reaches the other", { sent: sent.length, missed });
        report.expect("each message reaches the other", missed === null, "every message in the receiver's timeline");
        for (const [name, c] of [["alice", alice], ["bob", bob]]) {
            const step = `${name} saw every message in order`;
            const seen = timelineBodies(c.getRoom(roomId));
            report.step(step, { count: seen.length });
            report.expect(step, JSON.stringify(seen) === JSON.stringify(sent), `${sent.length} messages in send order`);
        }

        // History: a fresh device sees the last few events and pages back to the room's creation.
        const reader = await login(report, url, "alice", PASSWORD);
        clients.push(reader);
        await reader.startClient({ initialSyncLimit: 3, lazyLoadMembers: false });
        const room = await waitFor(() => reader.isInitialSyncComplete() && reader.getRoom(roomId));
        const initial = timelineBodies(room).length;
        let pages = 0;
        while (room && room.getLiveTimeline().getPaginationToken("b") !== null && pages < 50) {
            await reader.scrollback(room, 7);
            pages++;
        }
        const events = room ? room.getLiveTimeline().getEvents() : [];
        report.step("alice pages back", {
            initial_messages: initial,
            pages,
            oldest: events[0]?.getType() ?? null,
            messages: timelineBodies(room).length,
        });
        report.expect("alice pages back", initial < sent.length, "a short initial timeline");
        report.expect("alice pages back", events[0]?.getType() === "m.room.create", "the create event first");
        report.expect("alice pages back", JSON.stringify(timelineBodies(room)) === JSON.stringify(sent),
            "every message once, in send order");
    } finally {
        for (const c of clients) c.stopClient();
    }
}

await main(import.meta.url, run, DOC);
