/**
 * Crash and fault tests: a real server in a child JVM killed with SIGKILL under load, jobs halted
 * mid-step, the database stopped under a running server, storage that runs full.
 */
package dev.confide.reliability;
