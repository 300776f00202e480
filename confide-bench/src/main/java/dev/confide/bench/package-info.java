/**
 * JMH benchmarks for Confide (DESIGN.md section 7). Each benchmark class measures a Confide path
 * and its plain baseline in the same run, so results are read as ratios, never as absolute
 * thresholds. Not part of the test run; see {@code docs/benchmarks.md} for how to run them.
 */
package dev.confide.bench;
