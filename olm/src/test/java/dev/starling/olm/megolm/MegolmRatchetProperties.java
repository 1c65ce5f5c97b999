package dev.starling.olm.megolm;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The ratchet's jump ({@code advanceTo}) always equals stepping one index at a time, wrap-around included. */
class MegolmRatchetProperties {
    @Property(tries = 60)
    void advanceToEqualsStepping(@ForAll int start, @ForAll @IntRange(min = 0, max = 700) int steps,
            @ForAll byte seed) {
        byte[] data = new byte[MegolmRatchet.BYTES];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (seed * 31 + i);
        }
        MegolmRatchet stepped = MegolmRatchet.of(data, start);
        for (int i = 0; i < steps; i++) {
            stepped.advance();
        }
        MegolmRatchet jumped = MegolmRatchet.of(data, start);
        jumped.advanceTo(start + steps);
        assertThat(jumped.counter()).isEqualTo(stepped.counter());
        assertThat(jumped.data()).isEqualTo(stepped.data());
    }

    @Property(tries = 30)
    void twoJumpsEqualOne(@ForAll int start, @ForAll @IntRange(min = 0, max = 1 << 30) int first,
            @ForAll @IntRange(min = 0, max = 1 << 30) int second) {
        byte[] data = new byte[MegolmRatchet.BYTES];
        data[5] = 7;
        MegolmRatchet twice = MegolmRatchet.of(data, start);
        twice.advanceTo(start + first);
        twice.advanceTo(start + first + second);
        MegolmRatchet once = MegolmRatchet.of(data, start);
        once.advanceTo(start + first + second);
        assertThat(twice.data()).isEqualTo(once.data());
    }
}
