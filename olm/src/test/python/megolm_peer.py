#!/usr/bin/env python3
"""libolm (Debian python3-olm) as a live peer for the Java Megolm, backup and SAS tests.

Reads one JSON request per line on stdin and answers one JSON line on stdout:
{"op": ..., ...} -> {"ok": true, ...} or {"ok": false, "error": "..."}.
Objects (group sessions, PkDecryption, SAS) are kept by a handle the answers return.
"""
import json
import sys

try:
    import olm
except ImportError:
    print(json.dumps({"ok": False, "error": "python3-olm is not installed (apt-get install -y python3-olm)"}),
          flush=True)
    sys.exit(3)

objects = {}


def keep(obj):
    handle = str(len(objects) + 1)
    objects[handle] = obj
    return handle


def handle(req):
    op = req["op"]
    if op == "version":
        from olm.__version__ import __version__
        return {"python_olm": __version__}
    if op == "megolm_outbound_new":
        s = olm.OutboundGroupSession()
        return {"handle": keep(s), "session_id": s.id, "session_key": s.session_key}
    if op == "megolm_encrypt":
        s = objects[req["handle"]]
        index = s.message_index
        return {"ciphertext": s.encrypt(req["plaintext"]), "index": index}
    if op == "megolm_session_key":
        return {"session_key": objects[req["handle"]].session_key}
    if op == "megolm_inbound_new":
        s = olm.InboundGroupSession(req["session_key"])
        return {"handle": keep(s), "session_id": s.id, "first_known_index": s.first_known_index}
    if op == "megolm_inbound_import":
        s = olm.InboundGroupSession.import_session(req["exported"])
        return {"handle": keep(s), "session_id": s.id, "first_known_index": s.first_known_index}
    if op == "megolm_decrypt":
        plaintext, index = objects[req["handle"]].decrypt(req["ciphertext"])
        return {"plaintext": plaintext, "index": index}
    if op == "megolm_export":
        return {"exported": objects[req["handle"]].export_session(req["index"])}
    if op == "pk_decryption_new":
        d = olm.PkDecryption()
        return {"handle": keep(d), "public_key": d.public_key}
    if op == "pk_decrypt":
        d = objects[req["handle"]]
        return {"plaintext": d.decrypt(olm.PkMessage(req["ephemeral"], req["mac"], req["ciphertext"]))}
    if op == "pk_encrypt":
        m = olm.PkEncryption(req["public_key"]).encrypt(req["plaintext"])
        return {"ephemeral": m.ephemeral_key, "mac": m.mac, "ciphertext": m.ciphertext}
    if op == "sas_new":
        s = olm.Sas()
        return {"handle": keep(s), "public_key": s.pubkey}
    if op == "sas_set_their_key":
        objects[req["handle"]].set_their_pubkey(req["public_key"])
        return {}
    if op == "sas_bytes":
        return {"hex": objects[req["handle"]].generate_bytes(req["info"], req["length"]).hex()}
    if op == "sas_mac":
        s = objects[req["handle"]]
        return {"v2": s.calculate_mac_fixed_base64(req["input"], req["info"]),
                "legacy": s.calculate_mac(req["input"], req["info"])}
    if op == "pk_sign":
        signing = olm.PkSigning(bytes.fromhex(req["seed_hex"]))
        return {"public_key": signing.public_key, "signature": signing.sign(req["message"])}
    raise ValueError("unknown op " + op)


for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    try:
        answer = handle(json.loads(line))
        answer["ok"] = True
    except Exception as e:  # the Java side asserts on refusals too
        answer = {"ok": False, "error": type(e).__name__ + ": " + str(e)}
    print(json.dumps(answer), flush=True)
