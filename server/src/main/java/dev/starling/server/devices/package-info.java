/**
 * Device management (Client-Server API § Device management): listing, renaming and deleting a user's devices,
 * over {@code users.DeviceStore}; deleting also removes the device's keys and pending to-device messages.
 */
package dev.starling.server.devices;
