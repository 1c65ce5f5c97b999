/**
 * Megolm ({@code m.megolm.v1.aes-sha2}): the ratchet, the message and session-key formats byte-compatible with
 * libolm and vodozemac, outbound and inbound group sessions, and the event level — building and opening
 * {@code m.room.encrypted} room events, and the rules by which room keys are accepted (only over Olm;
 * forwards only when requested from our own verified devices). See {@code ../README.md}.
 */
package dev.starling.olm.megolm;
