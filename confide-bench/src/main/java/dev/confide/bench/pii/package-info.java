/**
 * Speed of the PII engine (JMH): scan and redact throughput on a labelled dataset, and the latency the
 * PII shield adds to one chat request (pseudonymize the prompt, restore the streamed answer).
 */
package dev.confide.bench.pii;
