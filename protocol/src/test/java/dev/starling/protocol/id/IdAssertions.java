package dev.starling.protocol.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

final class IdAssertions {
    private IdAssertions() {}

    static void assertInvalid(ThrowingCallable parse, InvalidIdentifierException.Kind kind) {
        assertThatThrownBy(parse).isInstanceOfSatisfying(InvalidIdentifierException.class,
                e -> assertThat(e.kind()).isEqualTo(kind));
    }

    /** A 43-character unpadded URL-safe base64 string, the shape of a reference hash. */
    static final String HASH = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0";
}
