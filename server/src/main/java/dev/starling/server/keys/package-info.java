/**
 * End-to-end encryption keys (Client-Server API § End-to-end encryption): device keys, one-time and fallback
 * keys, cross-signing keys and signatures, /keys/changes, and the key parts of /sync (device lists, one-time key
 * counts, unused fallback key types). See README.md.
 */
package dev.starling.server.keys;
