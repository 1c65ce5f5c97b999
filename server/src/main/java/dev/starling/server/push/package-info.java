/** Push rules (Client-Server API § Push notifications) and the unread notification counts of /sync. */
package dev.starling.server.push;
