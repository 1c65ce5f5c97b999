/**
 * The server's own Ed25519 signing key: generated on first start into {@code <data_dir>/signing.key} and
 * loaded afterwards. Every event this server creates is signed with it.
 */
package dev.starling.server.signing;
