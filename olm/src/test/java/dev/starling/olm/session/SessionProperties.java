package dev.starling.olm.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.olm.account.Account;
import dev.starling.olm.pickle.Pickle;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random conversations between two sessions: turns of up to 30 messages delivered in any order, sessions sealed
 * and reopened at random points. Every message decrypts to what was sent, exactly once.
 */
class SessionProperties {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] PICKLE_KEY = new byte[32];

    @Property(tries = 40)
    void everyMessageDecryptsOnceWhateverTheOrder(
            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 30) Integer> turns,
            @ForAll long seed) {
        Random random = new Random(seed);
        Account alice = Account.create(RANDOM);
        Account bob = Account.create(RANDOM);
        bob.generateOneTimeKeys(1, RANDOM);
        Session[] sides = new Session[2];
        sides[0] = Session.createOutbound(alice, bob.curve25519Key(),
                bob.unpublishedOneTimeKeys().values().iterator().next(), RANDOM);
        EncryptedMessage hello = sides[0].encrypt(utf8("hello"), RANDOM);
        InboundSession inbound = Session.createInbound(bob, alice.curve25519Key(), hello.body());
        sides[1] = inbound.session();
        int counter = 0;
        for (int turn = 0; turn < turns.size(); turn++) {
            int from = turn % 2;
            int to = 1 - from;
            List<Object[]> batch = new ArrayList<>();
            for (int i = 0; i < turns.get(turn); i++) {
                String text = "m" + counter++;
                batch.add(new Object[] {sides[from].encrypt(utf8(text), RANDOM), text});
            }
            Collections.shuffle(batch, random);
            for (Object[] item : batch) {
                assertThat(new String(sides[to].decrypt((EncryptedMessage) item[0]), StandardCharsets.UTF_8))
                        .isEqualTo(item[1]);
                if (random.nextInt(8) == 0) {
                    sides[to] = Pickle.openSession(PICKLE_KEY, Pickle.sealSession(PICKLE_KEY, sides[to]));
                }
            }
            EncryptedMessage replayed = (EncryptedMessage) batch.get(random.nextInt(batch.size()))[0];
            try {
                sides[to].decrypt(replayed);
                throw new AssertionError("a replayed message decrypted");
            } catch (OlmException expected) {
                assertThat(expected.problem()).isEqualTo(OlmException.Problem.MESSAGE_KEY_ALREADY_USED);
            }
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
