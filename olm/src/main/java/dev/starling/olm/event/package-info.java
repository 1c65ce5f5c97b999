/**
 * Olm at the event level: building and opening {@code m.room.encrypted} content for
 * {@code m.olm.v1.curve25519-aes-sha2} with the plaintext checks; {@link dev.starling.olm.event.DecryptedOlmEvent}
 * is the only way a room key reaches the Megolm layer. See {@code dev/starling/olm/README.md}.
 */
package dev.starling.olm.event;
