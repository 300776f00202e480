package dev.confide.rights;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.store.JsonLinesFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The erasure ledger's copy outside the database: one JSON line per erased subject, appended and
 * forced to disk before the erasure commits. A database restored from an older backup lacks recent
 * erasures; re-applying this file erases those subjects again. It holds only pseudonymous ids.
 */
public final class ErasureLedgerFile {
  private final JsonLinesFile file;

  /** One erased subject. */
  public record Entry(UUID subject, UUID tombstone, String reason, Instant erasedAt) {}

  public ErasureLedgerFile(Path file) {
    this.file = new JsonLinesFile(file);
  }

  public void append(Entry entry) {
    file.append(JsonLinesFile.line().put("subject", entry.subject().toString()).put("tombstone", entry.tombstone().toString())
        .put("reason", entry.reason()).put("erasedAt", entry.erasedAt().toString()));
  }

  public List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    for (JsonNode n : file.lines()) {
      try {
        entries.add(new Entry(UUID.fromString(n.get("subject").asText()), UUID.fromString(n.get("tombstone").asText()),
            n.get("reason").asText(), Instant.parse(n.get("erasedAt").asText())));
      } catch (RuntimeException e) {
        // not a line this class wrote whole: its erasure did not commit
      }
    }
    return entries;
  }
}
