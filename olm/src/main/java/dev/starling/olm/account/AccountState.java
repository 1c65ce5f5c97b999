package dev.starling.olm.account;

import dev.starling.olm.crypto.Secrets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The byte serialisation of an {@link Account} (secret: seal it with {@code Pickle}). Layout, big-endian:
 * {@code format(1)=1 || ed25519 seed(32) || curve25519 private(32) || nextKeyId(8) || count(4) ||
 * [id(8) published(1) private(32)]* (newest first) || hasCurrent(1) [id published private] || hasPrevious(1) [...]}.
 */
final class AccountState {
    static final int FORMAT = 1;

    private AccountState() {
    }

    static byte[] write(Account account) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.write(account.ed25519Seed);
            out.write(account.identity.privateKey);
            out.writeLong(account.nextKeyId);
            out.writeInt(account.oneTimeKeys.size());
            for (Account.KeyPair key : account.oneTimeKeys) {
                writeKey(out, key);
            }
            writeOptional(out, account.currentFallback);
            writeOptional(out, account.previousFallback);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    static Account read(byte[] state) {
        byte[] seed = new byte[32];
        byte[] curve = new byte[32];
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            if (in.readUnsignedByte() != FORMAT) {
                throw malformed("unknown account state format");
            }
            in.readFully(seed);
            in.readFully(curve);
            Account account = new Account(seed, curve);
            account.nextKeyId = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > Account.MAX_ONE_TIME_KEYS) {
                throw malformed("one-time key count out of range");
            }
            for (int i = 0; i < count; i++) {
                account.oneTimeKeys.add(readKey(in));
            }
            account.currentFallback = in.readBoolean() ? readKey(in) : null;
            account.previousFallback = in.readBoolean() ? readKey(in) : null;
            if (in.available() != 0) {
                throw malformed("trailing bytes after the account state");
            }
            return account;
        } catch (IOException e) {
            throw malformed("the account state is truncated");
        } finally {
            Secrets.wipe(seed, curve);
        }
    }

    private static void writeOptional(DataOutputStream out, Account.KeyPair key) throws IOException {
        out.writeBoolean(key != null);
        if (key != null) {
            writeKey(out, key);
        }
    }

    private static void writeKey(DataOutputStream out, Account.KeyPair key) throws IOException {
        out.writeLong(key.id);
        out.writeBoolean(key.published);
        out.write(key.privateKey);
    }

    private static Account.KeyPair readKey(DataInputStream in) throws IOException {
        long id = in.readLong();
        boolean published = in.readBoolean();
        byte[] privateKey = new byte[32];
        in.readFully(privateKey);
        Account.KeyPair key = new Account.KeyPair(id, privateKey);
        Secrets.wipe(privateKey);
        key.published = published;
        return key;
    }

    private static AccountException malformed(String detail) {
        return new AccountException(AccountException.Problem.MALFORMED_STATE, detail);
    }
}
