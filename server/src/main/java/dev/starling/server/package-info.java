/**
 * The Starling homeserver. One package per Matrix area, with the same noun from the HTTP route to the store:
 * {@code config} (typed configuration), {@code http} (the HTTP server, routing, Matrix errors),
 * {@code storage} (databases and migrations), {@code users} (accounts, devices, access tokens), and later
 * {@code rooms}, {@code sync}, {@code keys}, {@code media}, {@code federation}.
 */
package dev.starling.server;
