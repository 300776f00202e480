package dev.confide.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only file of JSON lines outside the database, each line forced to disk before
 * {@link #append} returns. Records written here survive a restore of an older database backup, so
 * what the database forgot can be applied again. Readable by the owner only.
 */
public final class JsonLinesFile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  public JsonLinesFile(Path file) {
    this.file = file;
  }

  public static ObjectNode line() {
    return JSON.createObjectNode();
  }

  public synchronized void append(ObjectNode record) {
    String line = record.toString() + "\n";
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
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Every complete line; a torn last line (a crash mid-append: its change did not commit) is skipped. */
  public synchronized List<JsonNode> lines() {
    List<JsonNode> lines = new ArrayList<>();
    if (!Files.exists(file)) {
      return lines;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          lines.add(JSON.readTree(line));
        } catch (IOException e) {
          // torn
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
