package dev.confide.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Deletions a user made that a restored backup would undo (P03): a deleted chat, all chats deleted,
 * a revoked API key. Each is written here, outside the database and forced to disk, before the
 * deletion commits; after a restore, {@code confide erasure reapply} deletes and revokes them again.
 * Holds only pseudonymous ids and times. Account erasures have their own ledger.
 */
public final class DeletionJournal {
  /** What was deleted. */
  public enum Kind { CONVERSATION, ALL_CONVERSATIONS, API_KEY }

  /** {@code id} is the conversation or key; null for {@link Kind#ALL_CONVERSATIONS} (those that existed {@code at}). */
  public record Deletion(Kind kind, UUID subject, UUID id, Instant at) {}

  private final JsonLinesFile file;

  private DeletionJournal(JsonLinesFile file) {
    this.file = file;
  }

  public static DeletionJournal at(Path file) {
    return new DeletionJournal(new JsonLinesFile(file));
  }

  /** Keeps nothing: for tools and tests that run without a data directory. */
  public static DeletionJournal none() {
    return new DeletionJournal(null);
  }

  public void record(Deletion d) {
    if (file == null) {
      return;
    }
    var line = JsonLinesFile.line().put("kind", d.kind().name()).put("subject", d.subject().toString())
        .put("at", d.at().toString());
    if (d.id() != null) {
      line.put("id", d.id().toString());
    }
    file.append(line);
  }

  public List<Deletion> entries() {
    List<Deletion> out = new ArrayList<>();
    if (file == null) {
      return out;
    }
    for (JsonNode n : file.lines()) {
      try {
        out.add(new Deletion(Kind.valueOf(n.get("kind").asText()), UUID.fromString(n.get("subject").asText()),
            n.hasNonNull("id") ? UUID.fromString(n.get("id").asText()) : null, Instant.parse(n.get("at").asText())));
      } catch (RuntimeException e) {
        // not a whole line of ours: its deletion did not commit
      }
    }
    return out;
  }
}
