package dev.confide.http;

import java.util.UUID;

/**
 * Who is calling: a data subject, by session cookie or by API key. Exactly one of
 * {@code sessionId} and {@code apiKeyId} is set.
 */
record Principal(UUID subject, byte[] sessionId, byte[] csrfToken, UUID apiKeyId) {
  boolean viaCookie() {
    return sessionId != null;
  }
}
