/**
 * Send-to-device messaging (Client-Server API § Send-to-Device messaging): PUT /sendToDevice and the
 * {@code to_device} part of /sync, which deletes a message only once a later sync proves the client got it.
 */
package dev.starling.server.todevice;
