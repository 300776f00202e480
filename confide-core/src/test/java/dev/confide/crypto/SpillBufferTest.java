package dev.confide.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("P01")
class SpillBufferTest {
  @TempDir Path tmp;

  @Test
  void contentUnderTheLimitStaysInMemoryAndComesBackWhole() throws Exception {
    byte[] text = "conversation_id,content\nc1,\"hello, there\"\n".repeat(3000).getBytes(StandardCharsets.UTF_8);
    try (SpillBuffer buffer = SpillBuffer.create(tmp.resolve("scratch"), text.length)) {
      try (OutputStream out = buffer.output()) {
        write(out, text);
      }
      assertThat(buffer.spilled()).isFalse();
      assertThat(buffer.size()).isEqualTo(text.length);
      assertThat(tmp.resolve("scratch")).as("no file for what fits").doesNotExist();
      assertThat(copy(buffer)).isEqualTo(text);
    }
  }

  @Test
  void contentPastTheLimitGoesToASealedScratchFileDeletedOnClose() throws Exception {
    byte[] text = "a secret line, written in pieces\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);
    Path dir = tmp.resolve("scratch");
    try (SpillBuffer buffer = SpillBuffer.create(dir, 100_000)) {
      try (OutputStream out = buffer.output()) {
        write(out, text);
      }
      assertThat(buffer.spilled()).isTrue();
      List<Path> files = files(dir);
      assertThat(files).hasSize(1);
      assertThat(new String(Files.readAllBytes(files.get(0)), StandardCharsets.ISO_8859_1)).as("ciphertext only")
          .doesNotContain("secret");
      assertThat(copy(buffer)).as("what was in memory before the spill, then the rest").isEqualTo(text);
    }
    assertThat(files(dir)).isEmpty();
  }

  /** Writes in uneven pieces, some larger than a block, some a single byte. */
  private static void write(OutputStream out, byte[] text) throws Exception {
    int[] sizes = {1, 7, 70_000, 333, 1, 65_536};
    int at = 0;
    for (int i = 0; at < text.length; i++) {
      int n = Math.min(sizes[i % sizes.length], text.length - at);
      if (n == 1) {
        out.write(text[at]);
      } else {
        out.write(text, at, n);
      }
      at += n;
    }
  }

  private static byte[] copy(SpillBuffer buffer) throws Exception {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    buffer.transferTo(copy);
    return copy.toByteArray();
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.toList();
    }
  }
}
