package dev.starling.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    // A small cost keeps the test fast; the format and checks are the same at any cost.
    private final PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), new SecureRandom());

    @Test
    void theRightPasswordVerifiesAndAWrongOneDoesNot() {
        String stored = hasher.hash("correct horse battery staple");

        assertThat(stored).startsWith("$argon2id$v=19$m=64,t=1,p=1$");
        assertThat(stored).doesNotContain("correct horse");
        assertThat(hasher.verify("correct horse battery staple", stored)).isTrue();
        assertThat(hasher.verify("correct horse battery stapl", stored)).isFalse();
        assertThat(hasher.verify("", stored)).isFalse();
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        assertThat(hasher.hash("pw")).isNotEqualTo(hasher.hash("pw"));
    }

    @Test
    void aKnownArgon2idVectorVerifies() {
        // The example in the README of the Argon2 reference implementation (P-H-C/phc-winner-argon2):
        // echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -l 32 -e
        String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertThat(hasher.verify("password", reference)).isTrue();
        assertThat(hasher.verify("passwore", reference)).isFalse();
    }

    @Test
    void hashesMadeWithAnotherCostStillVerifyAndAskForARehash() {
        PasswordHasher stronger = new PasswordHasher(new PasswordHasher.Cost(128, 2, 1), new SecureRandom());
        String old = hasher.hash("pw");

        assertThat(stronger.verify("pw", old)).isTrue();
        assertThat(stronger.needsRehash(old)).isTrue();
        assertThat(hasher.needsRehash(old)).isFalse();
    }

    @Test
    void malformedStoredHashesNeverMatch() {
        assertThat(hasher.verify("pw", "")).isFalse();
        assertThat(hasher.verify("pw", "plain-text-pw")).isFalse();
        assertThat(hasher.verify("pw", "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")).isFalse();
        assertThat(hasher.verify("pw", "$argon2id$v=19$m=x,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")).isFalse();
        assertThat(hasher.verify("pw", "$argon2id$v=19$m=64,t=1,p=1$!!!$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")).isFalse();
        assertThat(hasher.verify("pw", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$c2hvcnQ")).isFalse();
        assertThat(hasher.verify("pw", "$argon2id$v=19$m=64,t=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")).isFalse();
    }

    @Test
    void toStringShowsTheCostOnly() {
        assertThat(hasher.toString()).isEqualTo("PasswordHasher[argon2id Cost[memoryKiB=64, iterations=1, parallelism=1]]");
    }
}
