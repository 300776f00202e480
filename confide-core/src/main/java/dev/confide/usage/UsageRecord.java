package dev.confide.usage;

import java.time.Instant;
import java.util.UUID;

/**
 * What one model request cost. {@code endpoint} is {@code api} (OpenAI-compatible, P08) or
 * {@code app} (native API, P07); {@code status} is {@code ok}, {@code client_closed}, {@code
 * rate_limited}, {@code upstream_error}, {@code timeout} or {@code rejected}.
 */
public record UsageRecord(UUID subject, UUID apiKeyId, String endpoint, String model, String provider, int inputChars,
    int outputChars, int promptTokens, int completionTokens, long latencyMillis, Long timeToFirstTokenMillis, String status,
    Instant at) {}
