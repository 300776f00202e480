/**
 * Retention sweeps (P04, P07, P32): chats idle past their subject's retention, usage records past
 * the usage retention, and the purge of erased subjects' remaining rows. Leased, batched and
 * idempotent; {@code confide retention run --as-of} runs them for any instant.
 */
package dev.confide.retention;
