package dev.confide.rights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  /** One erased subject. */
  public record Entry(UUID subject, UUID tombstone, String reason, Instant erasedAt) {}

  public ErasureLedgerFile(Path file) {
    this.file = file;
  }

  public synchronized void append(Entry entry) {
    String line = JSON.createObjectNode().put("subject", entry.subject().toString()).put("tombstone", entry.tombstone().toString())
        .put("reason", entry.reason()).put("erasedAt", entry.erasedAt().toString()).toString() + "\n";
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        long size = channel.size();
        ByteBuffer last = ByteBuffer.allocate(1);
        // A line torn by a full disk or a crash must not swallow this one: start on a fresh line.
        if (size > 0 && channel.read(last, size - 1) == 1 && last.get(0) != '\n') {
          line = "\n" + line;
        }
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        long at = size;
        while (bytes.hasRemaining()) {
          at += channel.write(bytes, at);
        }
        channel.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the erasure ledger " + file, e);
    }
  }

  public synchronized List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    if (!Files.exists(file)) {
      return entries;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode n = JSON.readTree(line);
          entries.add(new Entry(UUID.fromString(n.get("subject").asText()), UUID.fromString(n.get("tombstone").asText()),
              n.get("reason").asText(), Instant.parse(n.get("erasedAt").asText())));
        } catch (IOException | RuntimeException e) {
          // A torn last line from a crash mid-append: the erasure it described did not commit.
        }
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the erasure ledger " + file, e);
    }
  }
}
