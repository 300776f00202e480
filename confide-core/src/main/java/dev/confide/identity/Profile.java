package dev.confide.identity;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * What an account holds about its person, opened for its owner. {@code emailVerifiedAt} is when a
 * code mailed to {@code email} came back (null: not verified); {@code pendingEmail} is an address
 * change waiting for its code (null: none), not yet used for anything.
 */
public record Profile(UUID subjectId, String name, String email, Instant emailVerifiedAt, String pendingEmail,
    String company, String role, Map<String, Object> preferences, Instant createdAt, Instant updatedAt) {

  /** Named as a getter so that the access report, which serializes this record, states it too. */
  public boolean isEmailVerified() {
    return emailVerifiedAt != null;
  }
}
