/**
 * Server-side key backup (Client-Server API § Server-side key backups): backup versions and the encrypted
 * Megolm sessions stored in them, opaque to the server.
 */
package dev.starling.server.backup;
