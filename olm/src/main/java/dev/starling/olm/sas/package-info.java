/** SAS verification, {@code m.sas.v1}: key agreement, emoji and decimals, MACs of keys by public key, commitment. */
package dev.starling.olm.sas;
