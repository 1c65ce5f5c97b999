/**
 * Rooms and their events: creating rooms, the local event pipeline (build → sign → auth → persist in one
 * transaction → answer), membership, state, and reading with history visibility enforced. See README.md
 * for how events and state are stored.
 */
package dev.starling.server.rooms;
