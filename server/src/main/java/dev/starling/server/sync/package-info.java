/** /sync: the notifier that wakes long-polls after a commit, and the sync endpoint. See README.md. */
package dev.starling.server.sync;
