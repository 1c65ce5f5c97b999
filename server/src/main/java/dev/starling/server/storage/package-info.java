/**
 * Storage: one {@link dev.starling.server.storage.Database} per server, on SQLite (the default, one file in
 * the data directory) or PostgreSQL. It owns the connection pools, runs the versioned Flyway migrations
 * ({@code db/migration/sqlite}, {@code db/migration/postgresql}: the same versions in both, each written in
 * its dialect) and hands out transactions as plain blocking JDBC, which suits virtual threads. Stores live
 * in the package of their Matrix area ({@code users.UserStore}, later {@code rooms}, {@code sync}...) and
 * use prepared statements only.
 */
package dev.starling.server.storage;
