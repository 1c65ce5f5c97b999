/**
 * User profiles (Client-Server API § Profiles): display name and avatar, and their propagation into the
 * {@code m.room.member} events of the rooms a user is joined to.
 */
package dev.starling.server.profile;
