package dev.confide.crypto;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A temporary file for data too large to keep in memory, holding only ciphertext under a
 * {@link StreamKey} that never leaves memory: plaintext never reaches the disk, and a file left
 * behind by a crash is noise. Deleted on {@link #close}. Write it once, close the output, then read.
 */
public final class ScratchFile implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;
  private final Path path;
  private final StreamKey key = StreamKey.generate();

  private ScratchFile(Path path) {
    this.path = path;
  }

  /** A new empty scratch file in {@code dir} (created if missing), readable by this user only. */
  public static ScratchFile create(Path dir) {
    try {
      Files.createDirectories(dir);
      Path file = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
          ? Files.createTempFile(dir, "scratch-", ".sealed", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
          : Files.createTempFile(dir, "scratch-", ".sealed");
      return new ScratchFile(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a scratch file in " + dir, e);
    }
  }

  /** Where to write the content; closing it finishes the file. */
  public OutputStream output() throws IOException {
    return new BufferedOutputStream(key.encrypting(Files.newOutputStream(path), path.getFileName().toString()), BUFFER);
  }

  /** The content written, decrypted as it is read. */
  public InputStream input() throws IOException {
    return new BufferedInputStream(key.decrypting(Files.newInputStream(path), path.getFileName().toString()), BUFFER);
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete scratch file " + path, e);
    }
  }
}
