/** Uploaded /sync filters (Client-Server API § Filtering) and the event-type filters the side channels apply. */
package dev.starling.server.filters;
