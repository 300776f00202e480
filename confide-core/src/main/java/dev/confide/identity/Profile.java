package dev.confide.identity;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** What an account holds about its person, opened for its owner. */
public record Profile(UUID subjectId, String name, String email, String company, String role,
    Map<String, Object> preferences, Instant createdAt, Instant updatedAt) {}
