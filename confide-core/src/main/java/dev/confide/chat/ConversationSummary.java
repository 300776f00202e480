package dev.confide.chat;

import java.time.Instant;
import java.util.UUID;

/** One line of the history list. */
public record ConversationSummary(UUID id, String title, Instant createdAt, Instant lastActivityAt) {}
