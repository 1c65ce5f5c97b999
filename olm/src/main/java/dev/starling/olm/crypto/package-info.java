/**
 * The primitives Olm, Megolm, backup and SAS are built from, over BouncyCastle and the JDK: X25519 with the
 * all-zero check, HKDF-SHA-256, HMAC-SHA-256 with constant-time comparison, AES-256-CBC, the "aes-sha2"
 * key derivation shared by Olm and Megolm, and wiping. Nothing here is Matrix-specific protocol logic.
 */
package dev.starling.olm.crypto;
