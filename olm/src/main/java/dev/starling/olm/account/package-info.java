/**
 * Olm accounts: identity keys, one-time and fallback keys with libolm's key IDs, and signing (raw and canonical
 * JSON). See {@code dev/starling/olm/README.md}.
 */
package dev.starling.olm.account;
