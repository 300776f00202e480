package dev.confide.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (Bouncy Castle's implementation) in the PHC string format
 * {@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, so the parameters travel with each hash and
 * can be raised later ({@link #needsRehash}).
 */
public final class PasswordHasher {
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  /** Memory in KiB, iterations, lanes. OWASP's minimum for Argon2id is m=19456 (19 MiB), t=2, p=1. */
  public record Settings(int memoryKib, int iterations, int parallelism) {
    public static final Settings DEFAULT = new Settings(19_456, 2, 1);

    public Settings {
      if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
        throw new IllegalArgumentException("invalid Argon2id settings");
      }
    }
  }

  private final Settings settings;
  private final String dummyHash;

  public PasswordHasher(Settings settings) {
    this.settings = settings;
    this.dummyHash = hash("confide-dummy-password".toCharArray());
  }

  public String hash(char[] password) {
    byte[] salt = Secrets.randomBytes(SALT_BYTES);
    byte[] hash = compute(password, salt, settings, HASH_BYTES, false);
    return "$argon2id$v=19$m=" + settings.memoryKib() + ",t=" + settings.iterations() + ",p=" + settings.parallelism()
        + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
  }

  /**
   * Marks a hash made before December 2026, when the password's UTF-8 bytes were passed to Argon2 with
   * the encoder's zero padding after them (V21 marks them; {@link #needsRehash} replaces them at the next
   * sign-in). Other Argon2id implementations would not verify those.
   */
  static final String PADDED = "padded";

  private static boolean isPadded(String phc) {
    return phc != null && phc.startsWith(PADDED + "$");
  }

  /** Constant-time check. A malformed stored hash never matches. */
  public boolean verify(char[] password, String phc) {
    boolean padded = isPadded(phc);
    if (padded) {
      phc = phc.substring(PADDED.length());
    }
    String[] parts = phc == null ? new String[0] : phc.split("\\$");
    if (parts.length != 6 || !"argon2id".equals(parts[1]) || !"v=19".equals(parts[2])) {
      return false;
    }
    try {
      Settings stored = parseSettings(parts[3]);
      byte[] salt = B64D.decode(parts[4]);
      byte[] expected = B64D.decode(parts[5]);
      return MessageDigest.isEqual(expected, compute(password, salt, stored, expected.length, padded));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Spends the same time as a real check, so unknown accounts cannot be told apart by timing. */
  public void verifyDummy(char[] password) {
    verify(password, dummyHash);
  }

  public boolean needsRehash(String phc) {
    if (isPadded(phc)) {
      return true;
    }
    String[] parts = phc.split("\\$");
    return parts.length != 6 || !parseSettings(parts[3]).equals(settings);
  }

  private static Settings parseSettings(String params) {
    int m = 0;
    int t = 0;
    int p = 0;
    for (String kv : params.split(",")) {
      String[] pair = kv.split("=", 2);
      if (pair.length != 2) {
        throw new IllegalArgumentException("bad parameter");
      }
      int value = Integer.parseInt(pair[1]);
      switch (pair[0]) {
        case "m" -> m = value;
        case "t" -> t = value;
        case "p" -> p = value;
        default -> throw new IllegalArgumentException("unknown parameter");
      }
    }
    return new Settings(m, t, p);
  }

  private static byte[] compute(char[] password, byte[] salt, Settings s, int length, boolean padded) {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt)
        .withMemoryAsKB(s.memoryKib())
        .withIterations(s.iterations())
        .withParallelism(s.parallelism())
        .build());
    java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
    byte[] buffer = encoded.array(); // the encoder's whole buffer: the encoded bytes, then zeros
    byte[] passwordBytes = padded ? buffer : Arrays.copyOfRange(buffer, encoded.position(), encoded.limit());
    byte[] out = new byte[length];
    try {
      generator.generateBytes(passwordBytes, out);
    } finally {
      Arrays.fill(passwordBytes, (byte) 0);
      Arrays.fill(buffer, (byte) 0);
    }
    return out;
  }
}
