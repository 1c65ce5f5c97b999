// Element's crypto (matrix-sdk-crypto-wasm's OlmMachine, vodozemac inside) as a peer for OlmMachineInteropTest,
// driven over stdin/stdout: one JSON request per line in, one JSON answer per line out ({ok} or {error}).
// The first argument is the directory of the @matrix-org/matrix-sdk-crypto-wasm package (scripts/clients.sh
// installs it under server/src/test/clients/js/node_modules). No network: the Java test plays the server.
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import path from "node:path";

const wasmDir = process.argv[2];
const sdk = await import(pathToFileURL(path.join(wasmDir, "node.mjs")).href);
const {
  OlmMachine, UserId, DeviceId, RoomId, RequestType, DeviceLists, DecryptionSettings, TrustRequirement,
  EncryptionSettings, CollectStrategy,
} = sdk;

// The room-key sharing strategies a test can ask for: all devices, or only devices cross-signed by their owner
// (what Element uses when it excludes insecure devices).
const STRATEGIES = {
  all: () => CollectStrategy.allDevices(),
  identity: () => CollectStrategy.identityBasedStrategy(),
};

function shield(state) {
  return { color: state.color, code: state.code === undefined ? null : state.code, message: state.message || null };
}

let machine;
let uploadedKeys = { device_keys: null, one_time_keys: {} };

// Answers every queued request the way a server would; keys uploads are remembered for the Java side.
async function drain(answers = {}) {
  for (const request of await machine.outgoingRequests()) {
    const body = JSON.parse(request.body);
    if (request.type === RequestType.KeysUpload) {
      if (body.device_keys) uploadedKeys.device_keys = body.device_keys;
      Object.assign(uploadedKeys.one_time_keys, body.one_time_keys || {});
      const count = Object.keys(uploadedKeys.one_time_keys).length;
      await machine.markRequestAsSent(request.id, request.type, JSON.stringify({ one_time_key_counts: { signed_curve25519: count } }));
    } else if (request.type === RequestType.KeysQuery) {
      await machine.markRequestAsSent(request.id, request.type, JSON.stringify(answers.keys_query || { device_keys: {}, failures: {} }));
    } else if (request.type === RequestType.KeysClaim) {
      await machine.markRequestAsSent(request.id, request.type, JSON.stringify(answers.keys_claim || { one_time_keys: {}, failures: {} }));
    } else {
      await machine.markRequestAsSent(request.id, request.type, "{}");
    }
  }
}

async function handle(req) {
  switch (req.op) {
    case "init": {
      machine = await OlmMachine.initialize(new UserId(req.user), new DeviceId(req.device));
      await drain();
      if (req.cross_signing) {
        // Element's own cross-signing (the identity-based sharing strategy requires it); the server's answers
        // to the uploads are empty.
        const boot = await machine.bootstrapCrossSigning(true);
        if (boot.uploadKeysRequest) {
          await machine.markRequestAsSent(boot.uploadKeysRequest.id, boot.uploadKeysRequest.type,
            JSON.stringify({ one_time_key_counts: { signed_curve25519: Object.keys(uploadedKeys.one_time_keys).length } }));
        }
        if (boot.uploadSignaturesRequest && boot.uploadSignaturesRequest.id) {
          await machine.markRequestAsSent(boot.uploadSignaturesRequest.id, boot.uploadSignaturesRequest.type, "{}");
        }
        await drain();
      }
      return { identity_keys: { curve25519: machine.identityKeys.curve25519.toBase64(), ed25519: machine.identityKeys.ed25519.toBase64() },
        device_keys: uploadedKeys.device_keys, one_time_keys: uploadedKeys.one_time_keys };
    }
    case "receive": {
      const processed = await machine.receiveSyncChanges(JSON.stringify(req.events), new DeviceLists(),
        new Map([["signed_curve25519", 50]]), new Set(), new DecryptionSettings(TrustRequirement.Untrusted));
      return processed.map((e) => ({ type: e.type, raw: e.rawEvent,
        sender_curve25519: e.encryptionInfo ? e.encryptionInfo.senderCurve25519Key : undefined,
        utd: e.utdInfo ? String(e.utdInfo.reason) : undefined }));
    }
    case "track": {
      await machine.updateTrackedUsers([new UserId(req.user)]);
      await drain({ keys_query: req.keys_query });
      const devices = {};
      for (const d of (await machine.getUserDevices(new UserId(req.user))).devices()) {
        devices[d.deviceId.toString()] = { cross_signed_by_owner: d.isCrossSignedByOwner() };
      }
      return { devices };
    }
    case "share_room_key": {
      const users = [new UserId(req.user)];
      await machine.updateTrackedUsers(users.map((u) => new UserId(u.toString())));
      await drain({ keys_query: req.keys_query });
      const claim = await machine.getMissingSessions(users.map((u) => new UserId(u.toString())));
      if (claim) await machine.markRequestAsSent(claim.id, claim.type, JSON.stringify(req.keys_claim));
      const settings = new EncryptionSettings();
      const strategy = STRATEGIES[req.strategy || "all"];
      if (!strategy) throw new Error("unknown strategy " + req.strategy);
      settings.sharingStrategy = strategy();
      const requests = await machine.shareRoomKey(new RoomId(req.room), users, settings);
      const out = [];
      for (const r of requests) {
        out.push({ event_type: r.event_type, body: JSON.parse(r.body) });
        await machine.markRequestAsSent(r.id, r.type, "{}");
      }
      return out;
    }
    case "encrypt_room_event": {
      return JSON.parse(await machine.encryptRoomEvent(new RoomId(req.room), req.type, JSON.stringify(req.content)));
    }
    case "decrypt_room_event": {
      const decrypted = await machine.decryptRoomEvent(JSON.stringify(req.event), new RoomId(req.room),
        new DecryptionSettings(TrustRequirement.Untrusted));
      return { event: JSON.parse(decrypted.event), sender_curve25519: decrypted.senderCurve25519Key,
        sender_device: decrypted.senderDevice ? decrypted.senderDevice.toString() : null,
        shield_lax: shield(decrypted.shieldState(false)), shield_strict: shield(decrypted.shieldState(true)) };
    }
    default:
      throw new Error("unknown op " + req.op);
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    answer = { ok: await handle(JSON.parse(line)) };
  } catch (e) {
    answer = { error: String(e && e.stack ? e.stack : e) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
