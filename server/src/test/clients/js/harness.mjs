// What every matrix-js-sdk client script shares (the Node twin of ../nio/harness.py): the report of
// observations, a record of every HTTP request the SDK made, clients with a quiet logger, registration
// through user-interactive auth, polling waits with deadlines, and main().
//
// A script exports nothing; it ends with `await main(import.meta.url, run, DOC)` where
// `async function run(url, serverName, report)` drives the clients. The report is one JSON object on stdout:
// {"matrix_js_sdk": version, "crypto_wasm": version, "steps": {name: observed}, "failures": [...],
//  "http": {"requests": n, "uia_challenges": {"METHOD /path": n}, "errors": {"METHOD /path -> status errcode": {count, clients}}},
//  "stand_ins": [...]} (paths with IDs and transaction IDs as {placeholders});
// the exit code is 0 when every observation matched, 1 on any mismatch, crash or timeout, 2 on bad usage.
// Logs go to stderr (the SDK logs through console.*, which is pointed at stderr here).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import process from "node:process";

// Before the SDK loads: console.log/info/debug write to stdout by default, which holds only the report.
for (const method of ["log", "info", "debug", "trace"]) {
    console[method] = (...args) => console.error(...args);
}

// matrix-js-sdk 38+ asks for Node 22 for one thing only: Promise.withResolvers (ES2024), which Node 20 lacks.
// This is its specified behaviour (ECMA-262, Promise.withResolvers); nothing else is patched.
if (typeof Promise.withResolvers !== "function") {
    Promise.withResolvers = function withResolvers() {
        let resolve;
        let reject;
        const promise = new this((res, rej) => {
            resolve = res;
            reject = rej;
        });
        return { promise, resolve, reject };
    };
}

const sdk = await import("matrix-js-sdk");

export const PASSWORD = "correct horse battery staple";
/** The whole script's deadline: it never outlives this, whatever the server or the SDK does. */
export const SCRIPT_TIMEOUT_MS = 150_000;
/** One HTTP request's deadline (the SDK's localTimeoutMs); a /sync long-poll asks for less. */
export const REQUEST_TIMEOUT_MS = 40_000;

const require = createRequire(import.meta.url);
const VERSIONS = {
    matrix_js_sdk: packageVersion("matrix-js-sdk"),
    crypto_wasm: packageVersion("@matrix-org/matrix-sdk-crypto-wasm"),
};

function packageVersion(name) {
    try {
        const dir = require.resolve(name).replace(new RegExp(`(node_modules/${name})/.*$`), "$1");
        return JSON.parse(readFileSync(`${dir}/package.json`, "utf8")).version;
    } catch {
        return "?";
    }
}

export class Report {
    constructor(script) {
        this.script = script;
        this.steps = {};
        this.failures = [];
        this.http = { requests: 0, uia_challenges: {}, errors: {} };
        this.standIns = [];
    }

    /** Counts an error answer to a raw request path under its endpoint (IDs as placeholders); logs it in full. */
    httpError(who, method, path, status, errcode) {
        const key = `${method} ${template(path)} -> ${status} ${errcode ?? ""}`.trimEnd();
        const entry = (this.http.errors[key] ??= { count: 0, clients: [] });
        entry.count++;
        if (!entry.clients.includes(who)) entry.clients.push(who);
        console.error(`${this.script}: http ${who}: ${method} ${decoded(path)} -> ${status} ${errcode ?? ""}`);
    }

    /** Records what a step showed: named values, or a Matrix error's errcode, HTTP status and message. */
    step(name, observed = {}) {
        const entry = observed instanceof Error ? describeError(observed) : { ...observed };
        this.steps[name] = entry;
        console.error(`${this.script}: ${name}: ${JSON.stringify(entry)}`);
        return entry;
    }

    expect(name, condition, what) {
        if (!condition) {
            this.failures.push(`${name}: expected ${what}; observed ${JSON.stringify(this.steps[name] ?? null)}`);
        }
        return condition;
    }

    /** Runs one awaited SDK call as a step: its result (through `pick`) or its error is recorded. */
    async attempt(name, promise, pick = () => ({})) {
        try {
            const result = await promise;
            this.step(name, { ok: true, ...pick(result) });
            return result;
        } catch (e) {
            this.step(name, { ok: false, ...describeError(e) });
            return undefined;
        }
    }

    /**
     * Runs one phase of a scenario; an exception fails it (recorded like a mismatch) but not the phases after
     * it, so that one run names everything that does not work yet. Returns the phase's result or undefined.
     */
    async phase(name, fn) {
        try {
            return await fn();
        } catch (e) {
            this.failures.push(`${name}: exception: ${e?.name ?? "Error"}: ${e?.message ?? e}`);
            console.error(`${this.script}: phase ${name} failed:`, e?.stack ?? e);
            return undefined;
        }
    }

    toJSON() {
        return { ...VERSIONS, steps: this.steps, failures: this.failures, http: this.http, stand_ins: this.standIns };
    }
}

function decoded(path) {
    try {
        return decodeURIComponent(path);
    } catch {
        return path;
    }
}

/** A raw request path, decoded, with IDs and transaction IDs as placeholders: each endpoint reads once. */
function template(path) {
    return decoded(path)
        .replace(/\/(send|sendToDevice)\/([^/]+)\/[^/]+$/, "/$1/$2/{txnId}")
        .replace(/\/[@!$#][^/]+/g, (id) => `/{${{ "@": "userId", "!": "roomId", $: "eventId", "#": "alias" }[id[1]]}}`)
        .replace(/\/room_keys\/keys\/\{roomId\}\/[^/]+$/, "/room_keys/keys/{roomId}/{sessionId}")
        .replace(/\/room_keys\/version\/[^/]+$/, "/room_keys/version/{version}");
}

export function describeError(e) {
    const out = { error: `${e?.name ?? "Error"}: ${e?.message ?? e}` };
    if (e?.errcode) out.errcode = e.errcode;
    if (e?.httpStatus) out.status = e.httpStatus;
    return out;
}

/**
 * Endpoints the SDK cannot start its /sync loop without (it retries them forever) that the server does not
 * serve yet. Only when the server answers 404 M_UNRECOGNIZED does the harness answer in its place, and it
 * records each use in the report's `stand_ins`, which the JUnit tests check against what is known to be
 * missing. Once the server serves an endpoint, its stand-in is never used again.
 */
const STAND_INS = [
    {
        name: "GET /_matrix/client/v3/pushrules/",
        matches: (method, path) => method === "GET" && path === "/_matrix/client/v3/pushrules/",
        body: () => ({ global: { override: [], content: [], room: [], sender: [], underride: [] } }),
    },
    {
        name: "POST /_matrix/client/v3/user/{userId}/filter",
        matches: (method, path) => method === "POST" && /^\/_matrix\/client\/v3\/user\/[^/]+\/filter$/.test(path),
        // The server reads a filter ID it does not know as no filter (sync.SyncFilters.INLINE_ONLY).
        body: () => ({ filter_id: "stand-in" }),
    },
];

/**
 * A fetch for the SDK that records every request (method, path, status; never tokens or bodies) in the
 * report, and logs each error answer. The path drops the query string, which can hold tokens. A 401 that
 * carries a user-interactive auth session is a challenge, not an error: it is only counted.
 */
function recordingFetch(report, who) {
    return async (input, init = {}) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        const method = (init.method ?? "GET").toUpperCase();
        const path = url.pathname;
        report.http.requests++;
        let response;
        try {
            response = await fetch(input, init);
        } catch (e) {
            if (e?.name !== "AbortError") report.httpError(who, method, path, 0, e?.name ?? "error");
            throw e;
        }
        if (response.status < 400) return response;
        let body = {};
        try {
            body = await response.clone().json();
        } catch {
            // not JSON
        }
        if (response.status === 401 && body.session && body.flows) {
            const key = `${method} ${template(path)}`;
            report.http.uia_challenges[key] = (report.http.uia_challenges[key] ?? 0) + 1;
            return response;
        }
        report.httpError(who, method, path, response.status, body.errcode);
        const standIn = STAND_INS.find((s) => s.matches(method, path));
        if (standIn && response.status === 404 && body.errcode === "M_UNRECOGNIZED") {
            if (!report.standIns.includes(standIn.name)) report.standIns.push(standIn.name);
            return new Response(JSON.stringify(standIn.body()), {
                status: 200,
                headers: { "content-type": "application/json" },
            });
        }
        return response;
    };
}

/** A logger for one client: warnings and errors to stderr (everything with JSSDK_DEBUG=1), prefixed. */
function clientLogger(prefix) {
    const debug = process.env.JSSDK_DEBUG === "1";
    const write = (level) => (...args) => console.error(`[${prefix}] ${level}`, ...args);
    const quiet = () => {};
    const logger = {
        trace: debug ? write("trace") : quiet,
        debug: debug ? write("debug") : quiet,
        info: debug ? write("info") : quiet,
        warn: write("warn"),
        error: write("error"),
        getChild: (child) => clientLogger(prefix + child),
    };
    return logger;
}

/** A MatrixClient for `who` (a name for the logs) that records its HTTP requests in the report. */
export function client(report, url, who, credentials = {}) {
    return sdk.createClient({
        baseUrl: url,
        fetchFn: recordingFetch(report, who),
        logger: clientLogger(who),
        localTimeoutMs: REQUEST_TIMEOUT_MS,
        ...credentials,
    });
}

/**
 * Registers `name` through both steps of user-interactive auth with m.login.dummy (spec: Client-Server API,
 * "Account registration"): the first request must be answered 401 with a session and the dummy flow.
 * Returns the /register answer (user_id, access_token, device_id).
 */
export async function register(report, url, name, password = PASSWORD) {
    const anonymous = client(report, url, name);
    const request = { username: name, password, initial_device_display_name: `${name} js-sdk` };
    let session;
    try {
        await anonymous.registerRequest(request);
        throw new Error("the first /register step was accepted without auth");
    } catch (e) {
        if (e?.httpStatus !== 401 || !e?.data?.session) throw e;
        session = e.data.session;
        const dummy = (e.data.flows ?? []).some((f) => (f.stages ?? []).join() === "m.login.dummy");
        if (!dummy) throw new Error(`no m.login.dummy flow offered: ${JSON.stringify(e.data.flows)}`);
    }
    return anonymous.registerRequest({ ...request, auth: { type: "m.login.dummy", session } });
}

/** Logs `name` in with m.login.password and returns a client on the new device. */
export async function login(report, url, name, password = PASSWORD) {
    const anonymous = client(report, url, name);
    const answer = await anonymous.loginRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: name },
        password,
        initial_device_display_name: `${name} js-sdk`,
    });
    return client(report, url, name, {
        userId: answer.user_id,
        deviceId: answer.device_id,
        accessToken: answer.access_token,
    });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `condition` every `intervalMs` until it is truthy (returns it) or `timeoutMs` passes (returns false).
 * Poll the SDK's own state often and the server (an HTTP request per poll) every 250 ms or more.
 */
export async function waitFor(condition, timeoutMs = 15_000, intervalMs = 50) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await condition();
        if (value) return value;
        if (Date.now() > deadline) return false;
        await sleep(intervalMs);
    }
}

/** `promise`, or a rejection naming `what` once `ms` pass first: no single step can hang a script. */
export function within(ms, what, promise) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts the client's /sync loop and waits for its first sync to be processed (state PREPARED). */
export async function startAndWaitForSync(matrixClient, timeoutMs = 20_000) {
    await matrixClient.startClient({ initialSyncLimit: 20, lazyLoadMembers: false });
    return waitFor(() => matrixClient.isInitialSyncComplete(), timeoutMs);
}

/** The bodies of the m.room.message events in a room's live timeline (decrypted ones too), in order. */
export function timelineBodies(room) {
    return (room?.getLiveTimeline().getEvents() ?? [])
        .filter((e) => e.getType() === "m.room.message")
        .map((e) => e.getContent().body);
}

/**
 * Runs the script: `run(url, serverName, report)` under the whole-script deadline, then prints the report
 * and exits (the SDK's timers would otherwise keep Node alive).
 */
export async function main(moduleUrl, run, doc) {
    const script = new URL(moduleUrl).pathname.split("/").pop();
    const args = process.argv.slice(2);
    if (args.length !== 2) {
        console.error(doc);
        process.exit(2);
    }
    const report = new Report(script);
    let timer;
    const deadline = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${SCRIPT_TIMEOUT_MS} ms`)), SCRIPT_TIMEOUT_MS);
    });
    try {
        await Promise.race([run(args[0], args[1], report), deadline]);
    } catch (e) {
        // A crash is a mismatch too, reported like one.
        report.failures.push(`exception: ${e?.name ?? "Error"}: ${e?.message ?? e}`);
        console.error(e?.stack ?? e);
    } finally {
        clearTimeout(timer);
    }
    const out = JSON.stringify(report, null, 2) + "\n";
    process.stdout.write(out, () => process.exit(report.failures.length ? 1 : 0));
}
