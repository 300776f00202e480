/**
 * Load drivers that run whole servers on loopback (not JMH): the gateway's added latency against a
 * fake upstream, measured both ways in the same run.
 */
package dev.confide.bench.load;
