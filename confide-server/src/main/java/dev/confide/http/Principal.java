package dev.confide.http;

import dev.confide.problem.Problem;
import java.util.UUID;

/**
 * Who is calling: a data subject, by session cookie or by API key. Exactly one of
 * {@code sessionId} and {@code apiKeyId} is set.
 */
record Principal(UUID subject, byte[] sessionId, byte[] csrfToken, UUID apiKeyId) {
  boolean viaCookie() {
    return sessionId != null;
  }

  /**
   * Refuses an API-key caller with 403 {@code session_required}: what would let a leaked key take
   * the account over or end it (erasing it, minting keys, changing its e-mail) needs the person,
   * signed in.
   */
  void requireSession(String what) {
    if (!viaCookie()) {
      throw new Problem(Problem.Kind.FORBIDDEN, "session_required", what + " from a signed-in session, not with an API key");
    }
  }
}
