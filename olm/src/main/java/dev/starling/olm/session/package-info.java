/**
 * Olm 1:1 sessions ({@code m.olm.v1.curve25519-aes-sha2}): the triple Diffie-Hellman start, the double ratchet and
 * libolm's message formats, byte for byte. See {@code dev/starling/olm/README.md}.
 */
package dev.starling.olm.session;
