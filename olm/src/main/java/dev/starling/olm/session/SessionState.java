package dev.starling.olm.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The byte serialisation of a {@link Session} (secret: seal it with {@code Pickle}). Layout, big-endian:
 * {@code format(1)=1 || alice identity(32) || alice base(32) || bob one-time(32) || peer identity(32) ||
 * received(1) || root(32) || hasSender(1) [ratchet private(32) chain(32) index(8)] ||
 * receivers(4) [ratchet(32) chain(32) index(8)]* || skipped(4) [ratchet(32) index(8) key(32)]*}, lists newest first.
 */
final class SessionState {
    static final int FORMAT = 1;

    private SessionState() {
    }

    static byte[] write(Session s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.write(s.aliceIdentityKey);
            out.write(s.aliceBaseKey);
            out.write(s.bobOneTimeKey);
            out.write(s.peerIdentityKey);
            out.writeBoolean(s.receivedMessage);
            out.write(s.rootKey);
            out.writeBoolean(s.sender != null);
            if (s.sender != null) {
                out.write(s.sender.ratchetPrivate);
                out.write(s.sender.chainKey);
                out.writeLong(s.sender.index);
            }
            out.writeInt(s.receivers.size());
            for (Session.ReceiverChain chain : s.receivers) {
                out.write(chain.ratchetKey);
                out.write(chain.chainKey);
                out.writeLong(chain.index);
            }
            out.writeInt(s.skipped.size());
            for (Session.SkippedKey key : s.skipped) {
                out.write(key.ratchetKey());
                out.writeLong(key.index());
                out.write(key.messageKey());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    static Session read(byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            if (in.readUnsignedByte() != FORMAT) {
                throw malformed("unknown session state format");
            }
            Session s = new Session(key(in), key(in), key(in), key(in));
            s.receivedMessage = in.readBoolean();
            s.rootKey = key(in);
            if (in.readBoolean()) {
                byte[] ratchetPrivate = key(in);
                s.sender = new Session.SenderChain(ratchetPrivate, key(in), index(in));
                java.util.Arrays.fill(ratchetPrivate, (byte) 0);
            }
            int receivers = in.readInt();
            if (receivers < 0 || receivers > Session.MAX_RECEIVER_CHAINS) {
                throw malformed("receiver chain count out of range");
            }
            for (int i = 0; i < receivers; i++) {
                s.receivers.add(new Session.ReceiverChain(key(in), key(in), index(in)));
            }
            int skipped = in.readInt();
            if (skipped < 0 || skipped > Session.MAX_SKIPPED_KEYS) {
                throw malformed("skipped key count out of range");
            }
            for (int i = 0; i < skipped; i++) {
                s.skipped.add(new Session.SkippedKey(key(in), index(in), key(in)));
            }
            if (in.available() != 0) {
                throw malformed("trailing bytes after the session state");
            }
            if (s.sender == null && s.receivers.isEmpty()) {
                throw malformed("a session has a sending or a receiving chain");
            }
            return s;
        } catch (IOException e) {
            throw malformed("the session state is truncated");
        }
    }

    private static byte[] key(DataInputStream in) throws IOException {
        byte[] key = new byte[32];
        in.readFully(key);
        return key;
    }

    private static long index(DataInputStream in) throws IOException {
        long index = in.readLong();
        if (index < 0 || index > 0xFFFFFFFFL + 1) {
            throw malformed("a chain index is out of range");
        }
        return index;
    }

    private static OlmException malformed(String detail) {
        return new OlmException(OlmException.Problem.MALFORMED_STATE, detail);
    }
}
