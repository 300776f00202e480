package dev.confide.models;

/** A finished answer. {@code usage} is the provider's own count, or null when it gave none. */
public record Completion(String content, String finishReason, TokenUsage usage) {}
