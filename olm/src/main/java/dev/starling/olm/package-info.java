/**
 * Matrix end-to-end encryption in pure Java: Olm accounts and sessions, Megolm group sessions, cross-signing,
 * key backup, secret storage and SAS verification, byte-compatible with libolm and vodozemac.
 */
package dev.starling.olm;
