/**
 * Metering, rate limits and billing (P07, P08, P40, P41): one usage record per model request with
 * lengths, token counts and timings (never message text); per-subject and per-API-key request and
 * token buckets (Bucket4j, in memory or in Redis through Lettuce); billing summaries per period with
 * pseudonymous subject ids. Owns {@code usage_records}.
 */
package dev.confide.usage;
