/** Receipts (Client-Server API § Receipts) and read markers (§ Read and unread markers). */
package dev.starling.server.receipts;
