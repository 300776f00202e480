package dev.confide.usage;

import java.time.Instant;
import java.util.UUID;

/**
 * What one model request cost. {@code endpoint} is {@code api} (OpenAI-compatible, P08) or
 * {@code app} (native API, P07); {@code status} is {@code ok}, {@code client_closed}, {@code
 * rate_limited}, {@code upstream_error}, {@code timeout}, {@code rejected} or {@code shield_failed}.
 * {@code piiMode} is how the PII shield treated the request and {@code piiCounts} how many entities
 * of each type it found ({@code EMAIL_ADDRESS=1;PERSON=2}), never the values.
 */
public record UsageRecord(UUID subject, UUID apiKeyId, String endpoint, String model, String provider, int inputChars,
    int outputChars, int promptTokens, int completionTokens, long latencyMillis, Long timeToFirstTokenMillis, String status,
    Instant at, String piiMode, String piiCounts) {}
