/**
 * Presence (Client-Server API § Presence; Server-Server API § Presence): online, unavailable and offline with
 * status messages, in memory, with idle and sync timeouts (README.md inside).
 */
package dev.starling.server.presence;
