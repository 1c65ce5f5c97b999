/**
 * The server load generator ({@code ./starling loadgen}, {@code scripts/loadgen.sh}): registers users, creates
 * rooms and drives the homeserver over HTTP on virtual threads: sends and sync loops over {@link
 * dev.starling.loadgen.RawConnection} (prebuilt requests, answers scanned, not parsed into trees), the rest with
 * the JDK's client. Scenarios: (a) a fixed offered message rate while every user long-polls /sync, timing send →
 * delivery; (b) the most messages per second acknowledged by closed-loop senders; (s) the same with no /sync
 * running; (c) many idle /sync long-polls and their memory and CPU;
 * (d) start-to-ready and idle memory of the real {@code starling server}; (f) federation between two servers
 * ({@link dev.starling.loadgen.FedBench}, README.md). Results go to BENCHMARKS.md.
 */
package dev.starling.loadgen;
