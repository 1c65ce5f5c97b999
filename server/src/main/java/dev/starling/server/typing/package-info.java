/** Typing notifications (Client-Server API § Typing notifications): in memory, with expiry timers. */
package dev.starling.server.typing;
