package dev.confide.chat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A conversation with its current branch, oldest first. */
public record ConversationView(UUID id, String title, Instant createdAt, Instant lastActivityAt, List<Turn> messages) {

  /**
   * A message on the branch with its place among its versions ({@code version} of {@code
   * versions}, counting from 1) and the owner's rating, if any.
   */
  public record Turn(StoredMessage message, int version, int versions, String rating) {}
}
