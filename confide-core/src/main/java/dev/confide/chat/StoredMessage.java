package dev.confide.chat;

import java.time.Instant;
import java.util.UUID;

/**
 * A message as stored, opened for its owner. {@code status} is {@code complete}, {@code partial}
 * (the client went away mid-answer) or {@code failed} (the provider failed mid-answer).
 */
public record StoredMessage(UUID id, UUID conversationId, UUID parentId, String role, String content, String model,
    String status, Instant createdAt) {}
