package dev.confide.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes to be read back once, kept in memory up to a limit and past it in a {@link ScratchFile}
 * (ciphertext only). The common small case then costs neither the file nor the two passes of
 * encryption, and memory stays bounded by the limit whatever is written. Write it once, close the
 * output, then {@link #transferTo}; {@link #close} deletes the file, if one was needed.
 */
public final class SpillBuffer implements AutoCloseable {
  private static final int BLOCK = 64 * 1024;
  private final Path dir;
  private final long limit;
  private final List<byte[]> blocks = new ArrayList<>();
  private long size;
  private ScratchFile file;
  private OutputStream fileOut;

  private SpillBuffer(Path dir, long limit) {
    this.dir = dir;
    this.limit = limit;
  }

  /** An empty buffer holding up to {@code limitBytes} in memory, the rest in a scratch file in {@code dir}. */
  public static SpillBuffer create(Path dir, long limitBytes) {
    return new SpillBuffer(dir, limitBytes);
  }

  /** Whether what was written went to a scratch file. */
  public boolean spilled() {
    return file != null;
  }

  /** Bytes written so far. */
  public long size() {
    return size;
  }

  /** Where to write the content (unbuffered writes are fine); closing it finishes the content. */
  public OutputStream output() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (file == null && size + len > limit) {
          spill();
        }
        if (file != null) {
          if (fileOut == null) {
            throw new IOException("spill buffer already closed");
          }
          fileOut.write(b, off, len);
          size += len;
          return;
        }
        while (len > 0) {
          int used = (int) (size % BLOCK);
          if (used == 0) {
            blocks.add(new byte[BLOCK]);
          }
          int n = Math.min(len, BLOCK - used);
          System.arraycopy(b, off, blocks.get(blocks.size() - 1), used, n);
          size += n;
          off += n;
          len -= n;
        }
      }

      @Override
      public void close() throws IOException {
        finishFile();
      }
    };
  }

  /** Moves what is held in memory into a new scratch file, where everything after it goes too. */
  private void spill() throws IOException {
    file = ScratchFile.create(dir);
    fileOut = file.output();
    writeBlocks(fileOut);
    blocks.clear();
  }

  /** Copies the content written, from the start, to {@code out}. */
  public void transferTo(OutputStream out) throws IOException {
    if (file != null) {
      try (InputStream in = file.input()) {
        in.transferTo(out);
      }
      return;
    }
    writeBlocks(out);
  }

  /** Writes the {@code size} bytes held in memory (the last block only as far as it is filled). */
  private void writeBlocks(OutputStream out) throws IOException {
    long left = size;
    for (byte[] block : blocks) {
      int n = (int) Math.min(BLOCK, left);
      out.write(block, 0, n);
      left -= n;
    }
  }

  private void finishFile() throws IOException {
    if (fileOut != null) {
      OutputStream out = fileOut;
      fileOut = null;
      out.close();
    }
  }

  @Override
  public void close() {
    blocks.clear();
    if (file != null) {
      try {
        finishFile(); // only still open when writing failed
      } catch (IOException ignored) {
        // the file is deleted next either way
      }
      file.close();
    }
  }
}
