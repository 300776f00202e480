package dev.confide.rights;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * CSV rows (RFC 4180, lines ending in LF) written as UTF-8 straight into a stream. A cell is
 * quoted when it holds a comma, a quote or a line break, its quotes doubled; {@code null} is an
 * empty cell. An archive writes a row per message, so this does the least per cell: no flush per
 * row, no character buffers between the text and its bytes.
 *
 * <p>Why not Jackson's CSV writer, which the archive used before: besides flushing the zip and the
 * sealed scratch file below it after every row, its output for a 70,000-character cell with quotes
 * did not read back (Jackson's own CSV parser reported a missing closing quote; CsvWriterTest),
 * while this writer's output of the same rows does.
 */
final class CsvWriter implements Closeable {
  private static final int BUFFER = 64 * 1024;
  private final OutputStream out;
  private final byte[] buffer = new byte[BUFFER];
  private int used;
  private boolean lineStarted;

  CsvWriter(OutputStream out) {
    this.out = out;
  }

  /** One cell of the current row. */
  CsvWriter cell(String value) throws IOException {
    if (lineStarted) {
      put((byte) ',');
    }
    lineStarted = true;
    if (value == null || value.isEmpty()) {
      return this;
    }
    boolean quotes = value.indexOf('"') >= 0;
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (!quotes && value.indexOf(',') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
      put(bytes, 0, bytes.length);
      return this;
    }
    put((byte) '"');
    int from = 0;
    if (quotes) {
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '"') { // never inside a multi-byte UTF-8 sequence, whose bytes are all >= 0x80
          put(bytes, from, i + 1 - from);
          from = i; // the quote again, doubled
        }
      }
    }
    put(bytes, from, bytes.length - from);
    put((byte) '"');
    return this;
  }

  /** Ends the current row. */
  void endRow() throws IOException {
    put((byte) '\n');
    lineStarted = false;
  }

  /** A whole row. */
  void row(Iterable<String> cells) throws IOException {
    for (String c : cells) {
      cell(c);
    }
    endRow();
  }

  private void put(byte b) throws IOException {
    if (used == buffer.length) {
      drain();
    }
    buffer[used++] = b;
  }

  private void put(byte[] b, int off, int len) throws IOException {
    if (len > buffer.length - used) {
      drain();
      if (len > buffer.length) {
        out.write(b, off, len);
        return;
      }
    }
    System.arraycopy(b, off, buffer, used, len);
    used += len;
  }

  private void drain() throws IOException {
    out.write(buffer, 0, used);
    used = 0;
  }

  /** Writes out what is buffered and closes the stream below. */
  @Override
  public void close() throws IOException {
    drain();
    out.close();
  }
}
