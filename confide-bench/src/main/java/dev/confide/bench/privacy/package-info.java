/**
 * Load drivers for the privacy engine (not JMH): erasure time by subject size, export throughput
 * against raw decryption, and retention sweeps against concurrent writes (DESIGN.md section 7). Each
 * opens a whole engine the way the server does, builds its data with the engine's own classes, and
 * reports both sides of a ratio measured in the same run.
 */
package dev.confide.bench.privacy;
