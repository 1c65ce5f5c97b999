package dev.starling.olm.session;

import dev.starling.olm.crypto.Secrets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decryption with the double ratchet, as libolm's {@code Ratchet::decrypt}: a message on a known chain (ahead of
 * it by at most {@link Session#MAX_MESSAGE_GAP}), on a chain already past it (a kept skipped key), or on a new
 * ratchet key (a new receiver chain; our sending chain is dropped so the next message starts a new one). Every
 * key is derived on copies; the session is changed only once the MAC matched and the ciphertext decrypted.
 */
final class SessionDecryption {
    private SessionDecryption() {
    }

    static byte[] decrypt(Session session, OlmMessage message) {
        byte[] ratchetKey = message.ratchetKeyRaw();
        long counter = message.counter();
        Session.ReceiverChain chain = null;
        for (Session.ReceiverChain candidate : session.receivers) {
            if (Arrays.equals(candidate.ratchetKey, ratchetKey)) {
                chain = candidate;
                break;
            }
        }
        if (chain == null) {
            return onNewChain(session, message);
        }
        if (counter < chain.index) {
            return withSkippedKey(session, message);
        }
        if (counter - chain.index > Session.MAX_MESSAGE_GAP) {
            throw gapTooLarge();
        }
        Derived derived = derive(chain.chainKey, chain.index, counter, ratchetKey);
        byte[] plaintext;
        try {
            plaintext = Ratchet.open(derived.messageKey, message);
        } catch (OlmException e) {
            derived.wipe();
            throw e;
        }
        Secrets.wipe(chain.chainKey, derived.messageKey);
        chain.chainKey = derived.nextChainKey;
        chain.index = counter + 1;
        keep(session, derived.skipped);
        return plaintext;
    }

    private static byte[] onNewChain(Session session, OlmMessage message) {
        if (session.sender == null) {
            throw new OlmException(OlmException.Problem.UNEXPECTED_RATCHET_KEY,
                    "a new ratchet key arrived before we sent a message on the current one");
        }
        if (message.counter() > Session.MAX_MESSAGE_GAP) {
            throw gapTooLarge();
        }
        byte[] ratchetKey = message.ratchetKeyRaw().clone();
        byte[][] root = Ratchet.advanceRoot(session.rootKey, session.sender.ratchetPrivate, ratchetKey);
        Derived derived = derive(root[1], 0, message.counter(), ratchetKey);
        Secrets.wipe(root[1]);
        byte[] plaintext;
        try {
            plaintext = Ratchet.open(derived.messageKey, message);
        } catch (OlmException e) {
            derived.wipe();
            Secrets.wipe(root[0]);
            throw e;
        }
        Secrets.wipe(session.rootKey, derived.messageKey);
        session.rootKey = root[0];
        session.receivers.add(0, new Session.ReceiverChain(ratchetKey, derived.nextChainKey, message.counter() + 1));
        while (session.receivers.size() > Session.MAX_RECEIVER_CHAINS) {
            session.receivers.remove(session.receivers.size() - 1).wipe();
        }
        session.sender.wipe();
        session.sender = null;
        keep(session, derived.skipped);
        return plaintext;
    }

    private static byte[] withSkippedKey(Session session, OlmMessage message) {
        for (int i = 0; i < session.skipped.size(); i++) {
            Session.SkippedKey key = session.skipped.get(i);
            if (key.index() == message.counter() && Arrays.equals(key.ratchetKey(), message.ratchetKeyRaw())) {
                byte[] plaintext = Ratchet.open(key.messageKey(), message);
                session.skipped.remove(i).wipe();
                return plaintext;
            }
        }
        throw new OlmException(OlmException.Problem.MESSAGE_KEY_ALREADY_USED,
                "the message's key was used already or is no longer kept");
    }

    /** Adds skipped keys (in chain order) newest first, keeping at most {@link Session#MAX_SKIPPED_KEYS}. */
    private static void keep(Session session, List<Session.SkippedKey> keys) {
        for (Session.SkippedKey key : keys) {
            session.skipped.add(0, key);
        }
        while (session.skipped.size() > Session.MAX_SKIPPED_KEYS) {
            session.skipped.remove(session.skipped.size() - 1).wipe();
        }
    }

    /** Derives from a chain key at {@code from} the message key at {@code to}, the skipped keys between, and the chain key after. */
    private static Derived derive(byte[] chainKey, long from, long to, byte[] ratchetKey) {
        List<Session.SkippedKey> skipped = new ArrayList<>();
        byte[] current = chainKey.clone();
        for (long index = from; index < to; index++) {
            if (to - index <= Session.MAX_SKIPPED_KEYS) {
                skipped.add(new Session.SkippedKey(ratchetKey, index, Ratchet.messageKey(current)));
            }
            byte[] next = Ratchet.nextChainKey(current);
            Secrets.wipe(current);
            current = next;
        }
        byte[] messageKey = Ratchet.messageKey(current);
        byte[] next = Ratchet.nextChainKey(current);
        Secrets.wipe(current);
        return new Derived(messageKey, next, skipped);
    }

    private static OlmException gapTooLarge() {
        return new OlmException(OlmException.Problem.MESSAGE_GAP_TOO_LARGE,
                "the message is more than " + Session.MAX_MESSAGE_GAP + " messages ahead of its chain");
    }

    private record Derived(byte[] messageKey, byte[] nextChainKey, List<Session.SkippedKey> skipped) {
        void wipe() {
            Secrets.wipe(messageKey, nextChainKey);
            skipped.forEach(Session.SkippedKey::wipe);
        }

        @Override
        public String toString() {
            return "Derived[secret]";
        }
    }
}
