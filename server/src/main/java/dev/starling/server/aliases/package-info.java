/**
 * Room aliases and the published room directory (Client-Server API § Room aliases, § Listing rooms):
 * {@code /directory/room/{roomAlias}}, {@code /rooms/{roomId}/aliases}, {@code /directory/list/room/{roomId}},
 * {@code /publicRooms}, and {@link dev.starling.server.aliases.AliasHooks}, what rooms asks of them.
 */
package dev.starling.server.aliases;
