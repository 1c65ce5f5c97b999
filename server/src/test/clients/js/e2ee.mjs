// End-to-end encryption through the real matrix-js-sdk with Element's Rust crypto against a running Starling
// homeserver (issue acceptance 2).
const DOC = `
    node e2ee.mjs HOMESERVER_URL SERVER_NAME

Alice and Bob register (user-interactive auth, m.login.dummy) and log in on a new device; each starts the
Rust crypto (in memory) and the SDK's /sync loop, and the SDK uploads the device's keys. Each bootstraps
cross-signing, answering user-interactive auth with the account password when the server asks. Alice
creates a room with m.room.encryption and invites Bob, who joins; each sees the other's device signed by its
owner (the SDK tracks the device lists of the users it shares a room with); they take turns sending 3
messages each, each one decrypted in the other's timeline, while the server holds only m.room.encrypted
events. With no key backup, the server answers GET /room_keys/version with 404 M_NOT_FOUND and the SDK
reports no backup; Alice then creates a backup (resetKeyBackup) and her room keys reach the server; a new
device of hers restores them from the backup and decrypts the history. Last, Alice replaces her
cross-signing keys, which the server must guard with user-interactive auth (the password).

A phase that fails does not stop the phases after it, so one run names everything that does not work yet.
Prints one JSON report on stdout (see harness.mjs; http.errors lists every endpoint that failed). Exits 0
when every observation matched, 1 on any mismatch, crash or timeout, 2 on bad usage. Logs go to stderr.`;

import {
    PASSWORD,
    describeError,
    login,
    main,
    register,
    startAndWaitForSync,
    timelineBodies,
    waitFor,
    within,
} from "./harness.mjs";

const COUNT = 3;
const STEP_MS = 20_000;
const V3 = { prefix: "/_matrix/client/v3" };

/** A UIA callback for cross-signing uploads: first without auth, then with the password if challenged. */
function passwordAuth(c, uia) {
    return async (makeRequest) => {
        uia.calls++;
        try {
            return await makeRequest(null);
        } catch (e) {
            if (e?.httpStatus !== 401 || !e?.data?.flows) throw e;
            uia.challenged++;
            uia.flows = e.data.flows.map((f) => (f.stages ?? []).join(","));
            const result = await makeRequest({
                type: "m.login.password",
                identifier: { type: "m.id.user", user: c.getUserId() },
                password: PASSWORD,
                session: e.data.session,
            });
            uia.answered++;
            return result;
        }
    };
}

/** The server's own answer to an authenticated request: {status, body} or {status, errcode, error}. */
async function raw(c, method, path, query, body) {
    try {
        return { status: 200, body: await c.http.authedRequest(method, path, query, body, V3) };
    } catch (e) {
        return { ...describeError(e), status: e?.httpStatus ?? 0 };
    }
}

async function bootstrap(report, name, c, opts = {}) {
    const step = `${name} ${opts.setupNewCrossSigning ? "replaces her cross-signing keys" : "bootstraps cross-signing"}`;
    const uia = { calls: 0, challenged: 0, answered: 0 };
    const done = await report.attempt(step, within(30_000, step,
        c.getCrypto().bootstrapCrossSigning({ ...opts, authUploadDeviceSigningKeys: passwordAuth(c, uia) })));
    const status = await c.getCrypto().getCrossSigningStatus();
    Object.assign(report.steps[step], { uia, cross_signing: status });
    return { step, ok: report.steps[step].ok, uia, status, done };
}

async function run(url, serverName, report) {
    const clients = [];
    try {
        for (const name of ["alice", "bob"]) {
            const answer = await register(report, url, name);
            report.step(`register ${name}`, { user_id: answer.user_id, device_id: answer.device_id });
        }
        const alice = await login(report, url, "alice");
        const bob = await login(report, url, "bob");
        clients.push(alice, bob);
        const people = [["alice", alice, bob], ["bob", bob, alice]];

        for (const [name, c] of people) {
            const step = `${name} starts the Rust crypto and syncs`;
            await c.initRustCrypto({ useIndexedDB: false });
            const synced = await startAndWaitForSync(c);
            report.step(step, { device_id: c.getDeviceId(), synced: !!synced });
            if (!report.expect(step, synced, "the initial sync processed")) return;
        }

        await report.phase("device keys", async () => {
            for (const [name, c] of people) {
                const step = `${name}'s device keys reach the server`;
                const keys = await waitFor(async () => {
                    const r = await raw(c, "POST", "/keys/query", undefined, { device_keys: { [c.getUserId()]: [] } });
                    return r.body?.device_keys?.[c.getUserId()]?.[c.getDeviceId()];
                }, STEP_MS, 250);
                const otks = await raw(c, "POST", "/keys/claim", undefined,
                    { one_time_keys: { [c.getUserId()]: { [c.getDeviceId()]: "signed_curve25519" } } });
                report.step(step, {
                    algorithms: keys?.algorithms ?? null,
                    one_time_key_claimed: !!otks.body?.one_time_keys?.[c.getUserId()]?.[c.getDeviceId()],
                    claim: otks.status === 200 ? "ok" : otks,
                });
                report.expect(step, keys?.keys?.[`ed25519:${c.getDeviceId()}`], "/keys/query to list the device's keys");
            }
        });

        // The first upload of cross-signing keys may go without user-interactive auth (spec: "Cross-signing");
        // the callback answers a challenge with the password either way.
        await report.phase("cross-signing", async () => {
            for (const [name, c] of people) {
                const r = await bootstrap(report, name, c);
                report.expect(r.step, r.ok && r.status.publicKeysOnDevice, "cross-signing keys uploaded and trusted");
                report.expect(r.step, r.uia.challenged === r.uia.answered, "every UIA challenge answered");
            }
        });
        const roomId = await report.phase("encrypted room", async () => {
            const { room_id: id } = await alice.createRoom({
                name: "Secret",
                preset: "private_chat",
                invite: [bob.getUserId()],
                initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
            });
            const invited = await waitFor(() => bob.getRoom(id)?.getMyMembership() === "invite", STEP_MS);
            if (invited) await bob.joinRoom(id);
            const joined = await waitFor(async () => alice.getRoom(id)?.getMember(bob.getUserId())?.membership === "join"
                && (await alice.getCrypto().isEncryptionEnabledInRoom(id))
                && (await bob.getCrypto().isEncryptionEnabledInRoom(id)), STEP_MS);
            report.step("alice and bob share an encrypted room", { room_id: id, invited: !!invited, joined: !!joined });
            report.expect("alice and bob share an encrypted room", joined, "both joined, encryption on for both");
            return joined ? id : undefined;
        });

        await report.phase("cross-signed devices", async () => {
            for (const [name, c, other] of people) {
                const step = `${name} sees the other's device signed by its owner`;
                const verdict = await waitFor(async () => {
                    await within(STEP_MS, "getUserDeviceInfo", c.getCrypto().getUserDeviceInfo([other.getUserId()], true));
                    const s = await c.getCrypto().getDeviceVerificationStatus(other.getUserId(), other.getDeviceId());
                    return s?.signedByOwner ? s : null;
                }, STEP_MS, 250);
                const last = await c.getCrypto().getDeviceVerificationStatus(other.getUserId(), other.getDeviceId());
                const identity = await c.getCrypto().getUserVerificationStatus(other.getUserId());
                report.step(step, { signed_by_owner: !!verdict, device: last, identity });
                report.expect(step, verdict, "the device signed by its owner's self-signing key");
            }
        });

        const sent = [];
        const sentIds = [];
        await report.phase("encrypted messages", async () => {
            if (!roomId) throw new Error("no encrypted room");
            let missed = null;
            for (let i = 0; i < COUNT && missed === null; i++) {
                for (const [name, sender, receiver] of people) {
                    const body = `${name} secret ${i}`;
                    const step = `${name} sends "${body}"`;
                    const answer = await report.attempt(step, within(STEP_MS, "sendTextMessage", sender.sendTextMessage(roomId, body)),
                        (r) => ({ event_id: r.event_id }));
                    if (answer) {
                        sent.push(body);
                        sentIds.push([sender, answer.event_id]);
                    }
                    const seen = answer && await waitFor(() => timelineBodies(receiver.getRoom(roomId)).includes(body), STEP_MS);
                    if (!seen) {
                        const event = answer && receiver.getRoom(roomId)?.findEventById(answer.event_id);
                        Object.assign(report.steps[step], {
                            received: !!event,
                            type: event?.getType() ?? null,
                            decryption_failure: event?.decryptionFailureReason ?? null,
                        });
                        missed = body;
                        break;
                    }
                }
            }
            report.step("each message is decrypted by the other", { sent: sent.length, missed });
            report.expect("each message is decrypted by the other", missed === null, `all ${2 * COUNT} messages decrypted`);
            for (const [name, c] of people) {
                const step = `${name}'s timeline holds every message, decrypted, in order`;
                const events = c.getRoom(roomId).getLiveTimeline().getEvents().filter((e) => e.getType() === "m.room.message");
                report.step(step, { count: events.length, all_encrypted: events.every((e) => e.isEncrypted()) });
                report.expect(step, JSON.stringify(timelineBodies(c.getRoom(roomId))) === JSON.stringify(sent)
                    && events.every((e) => e.isEncrypted()), `${sent.length} encrypted messages in send order`);
            }
            const types = [];
            for (const [c, eventId] of sentIds) {
                const r = await raw(c, "GET", `/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(eventId)}`);
                types.push(r.body?.type ?? `status ${r.status}`);
            }
            report.step("the server holds only ciphertext", { types: [...new Set(types)] });
            report.expect("the server holds only ciphertext", types.length > 0 && types.every((t) => t === "m.room.encrypted"),
                "every sent event stored as m.room.encrypted");
        });

        // Key backup: none yet. The spec's answer is 404 M_NOT_FOUND, which the SDK reads as "no backup".
        await report.phase("no key backup", async () => {
            const none = await raw(alice, "GET", "/room_keys/version");
            report.step("no key backup: the server's answer", none);
            report.expect("no key backup: the server's answer", none.status === 404 && none.errcode === "M_NOT_FOUND",
                "404 M_NOT_FOUND");
            const check = await report.attempt("no key backup: the SDK's check",
                within(STEP_MS, "checkKeyBackupAndEnable", alice.getCrypto().checkKeyBackupAndEnable()),
                (r) => ({ backup_info: r?.backupInfo ?? null }));
            report.expect("no key backup: the SDK's check", report.steps["no key backup: the SDK's check"].ok
                && !check?.backupInfo, "no backup and no error");
            const info = await report.attempt("no key backup: the SDK's backup info",
                within(STEP_MS, "getKeyBackupInfo", alice.getCrypto().getKeyBackupInfo()), (r) => ({ info: r ?? null }));
            report.expect("no key backup: the SDK's backup info", report.steps["no key backup: the SDK's backup info"].ok
                && !info, "null");
        });

        await report.phase("key backup", async () => {
            const step = "alice creates a key backup";
            await report.attempt(step, within(STEP_MS, "resetKeyBackup", alice.getCrypto().resetKeyBackup()));
            const version = await alice.getCrypto().getActiveSessionBackupVersion();
            report.steps[step].active_version = version;
            if (!report.expect(step, report.steps[step].ok && version, "a new backup version, active")) return;
            // The SDK uploads after a random delay of up to 10 s.
            const stored = await waitFor(async () => {
                const r = await raw(alice, "GET", "/room_keys/keys", { version });
                const rooms = r.body?.rooms ?? {};
                const sessions = Object.values(rooms).reduce((n, room) => n + Object.keys(room.sessions ?? {}).length, 0);
                return sessions > 0 ? { sessions, rooms: Object.keys(rooms) } : null;
            }, 30_000, 500);
            const latest = await raw(alice, "GET", "/room_keys/version");
            const keys = "alice's room keys reach the backup";
            report.step(keys, {
                sessions: stored?.sessions ?? 0,
                has_room: !!stored && stored.rooms.includes(roomId),
                version: latest.body?.version ?? latest,
                count: latest.body?.count ?? null,
            });
            report.expect(keys, stored && (!roomId || stored.rooms.includes(roomId)), "the room's Megolm session stored");
            report.expect(keys, latest.body?.version === version && latest.body?.count >= (stored?.sessions ?? 1),
                "GET /room_keys/version to name the version and count the keys");
        });

        // A new device of Alice's restores the room keys from the backup with the backup's key and decrypts the
        // history it was not sent keys for: the server kept what was uploaded, byte for byte.
        await report.phase("key backup restore", async () => {
            const version = await alice.getCrypto().getActiveSessionBackupVersion();
            const key = await alice.getCrypto().getSessionBackupPrivateKey();
            if (!roomId || !version || !key) throw new Error("no room or no active backup to restore from");
            const fresh = await login(report, url, "alice");
            clients.push(fresh);
            await fresh.initRustCrypto({ useIndexedDB: false });
            await startAndWaitForSync(fresh);
            await fresh.getCrypto().storeSessionBackupPrivateKey(key, version);
            const step = "alice's new device restores the backup";
            const result = await report.attempt(step, within(STEP_MS, "restoreKeyBackup", fresh.getCrypto().restoreKeyBackup()),
                (r) => ({ total: r.total, imported: r.imported }));
            const history = await waitFor(() => {
                const bodies = timelineBodies(fresh.getRoom(roomId));
                return sent.every((b) => bodies.includes(b)) ? bodies : null;
            }, STEP_MS);
            report.steps[step].decrypted = (history || timelineBodies(fresh.getRoom(roomId))).length;
            report.expect(step, result?.imported > 0 && history, `the keys imported and all ${sent.length} messages decrypted`);
        });

        // Replacing cross-signing keys must be guarded by user-interactive auth (spec: POST /keys/device_signing/upload).
        await report.phase("cross-signing reset", async () => {
            const masterKey = async () => {
                const r = await raw(alice, "POST", "/keys/query", undefined, { device_keys: { [alice.getUserId()]: [] } });
                return JSON.stringify(r.body?.master_keys?.[alice.getUserId()]?.keys ?? null);
            };
            const before = await masterKey();
            const r = await bootstrap(report, "alice", alice, { setupNewCrossSigning: true });
            const after = await masterKey();
            report.steps[r.step].master_key_replaced = before !== "null" && after !== "null" && before !== after;
            report.expect(r.step, r.ok && r.uia.challenged >= 1 && r.uia.answered === r.uia.challenged
                && (r.uia.flows ?? []).includes("m.login.password"), "a UIA challenge offering m.login.password, answered");
            report.expect(r.step, report.steps[r.step].master_key_replaced, "/keys/query to show the new master key");
        });
    } finally {
        for (const c of clients) c.stopClient();
    }
}

await main(import.meta.url, run, DOC);
