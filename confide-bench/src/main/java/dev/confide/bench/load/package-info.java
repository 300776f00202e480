/**
 * Load drivers that run whole servers on loopback (not JMH): the gateway's added latency against a
 * fake upstream, measured both ways in the same run, and the soak ({@link dev.confide.bench.load.Soak}):
 * a steady mixed load for minutes while the server's heap, threads, open files and pool are watched
 * for growth. {@link dev.confide.bench.load.ServerUnderLoad} and {@link dev.confide.bench.load.FakeUpstream}
 * are the set-up they can share.
 */
package dev.confide.bench.load;
