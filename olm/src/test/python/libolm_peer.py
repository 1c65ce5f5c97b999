"""A libolm peer for the Java interop tests (LibolmInteropTest), driven over stdin/stdout.

One JSON object per line in, one per line out: {"ok": ...} or {"error": "<libolm error>"}.
Objects (accounts, sessions) are named by the caller. Run with /usr/bin/python3 (Debian python3-olm).
"""
import json
import sys

import olm

accounts = {}
sessions = {}


def message(kind, body):
    return olm.OlmPreKeyMessage(body) if kind == 0 else olm.OlmMessage(body)


def handle(req):
    op = req["op"]
    if op == "version":
        return olm.__version__ if hasattr(olm, "__version__") else "python-olm"
    if op == "create_account":
        acc = olm.Account()
        accounts[req["account"]] = acc
        return acc.identity_keys
    acc = accounts.get(req.get("account"))
    if op == "generate_one_time_keys":
        acc.generate_one_time_keys(req["count"])
        keys = acc.one_time_keys["curve25519"]
        acc.mark_keys_as_published()
        return keys
    if op == "generate_fallback_key":
        acc.generate_fallback_key()
        keys = acc.fallback_key["curve25519"]
        acc.mark_keys_as_published()
        return keys
    if op == "sign":
        return acc.sign(req["message"])
    if op == "verify":
        try:
            olm.ed25519_verify(req["key"], req["message"], req["signature"])
            return True
        except olm.OlmVerifyError:
            return False
    if op == "outbound":
        s = olm.OutboundSession(acc, req["identity_key"], req["one_time_key"])
        sessions[req["session"]] = s
        return s.id
    if op == "inbound":
        s = olm.InboundSession(acc, olm.OlmPreKeyMessage(req["body"]), req.get("identity_key"))
        acc.remove_one_time_keys(s)
        sessions[req["session"]] = s
        return s.id
    s = sessions.get(req.get("session"))
    if op == "encrypt":
        m = s.encrypt(req["plaintext"])
        return {"type": m.message_type, "body": m.ciphertext}
    if op == "decrypt":
        return s.decrypt(message(req["type"], req["body"]), unicode_errors="strict")
    if op == "matches":
        return s.matches(olm.OlmPreKeyMessage(req["body"]), req.get("identity_key"))
    if op == "session_id":
        return s.id
    raise ValueError("unknown op " + op)


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            out = {"ok": handle(json.loads(line))}
        except Exception as e:  # noqa: BLE001 - every libolm error goes back to the Java side
            out = {"error": type(e).__name__ + ": " + str(e)}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
