/**
 * Starling's encrypted, versioned container for E2EE state ({@link dev.starling.olm.pickle.Pickle}): accounts,
 * Olm sessions and any other state's bytes, under a key the caller supplies. See {@code dev/starling/olm/README.md}.
 */
package dev.starling.olm.pickle;
