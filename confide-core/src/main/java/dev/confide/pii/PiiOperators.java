package dev.confide.pii;

import dev.confide.crypto.BlindIndex;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * The irreversible operators: redact, mask and keyed hash. Each takes the entities a detector found
 * (sorted, non-overlapping) and returns the transformed text. See {@link Pseudonymizer} for the
 * reversible ones and {@link SyntheticReplacer} for fake values.
 */
public final class PiiOperators {
  public static final String REDACTED = "[REDACTED]";

  private PiiOperators() {}

  /** Every entity becomes {@code [REDACTED]}: not even its type remains. */
  public static String redact(String text, List<PiiEntity> entities) {
    return apply(text, entities, e -> REDACTED);
  }

  /** Every character of an entity but the last {@code keepLast} becomes {@code maskChar}. */
  public static String mask(String text, List<PiiEntity> entities, char maskChar, int keepLast) {
    return apply(text, entities, e -> {
      String value = text.substring(e.start(), e.end());
      int keep = Math.min(Math.max(keepLast, 0), value.length());
      int maskedLength = value.codePointCount(0, value.length() - keep);
      return String.valueOf(maskChar).repeat(maskedLength) + value.substring(value.length() - keep);
    });
  }

  /**
   * Every entity becomes {@code <TYPE#hash>} with a keyed hash of its value: equal values stay
   * linkable across documents, without the key nobody can test a guess.
   */
  public static String keyedHash(String text, List<PiiEntity> entities, BlindIndex key) {
    return apply(text, entities, e -> {
      byte[] mac = key.of("pii-keyed-hash:" + e.type(), text.substring(e.start(), e.end()));
      return "<" + e.type() + "#" + HexFormat.of().formatHex(mac, 0, 8) + ">";
    });
  }

  /** Replaces each entity by what {@code replacement} returns for it; the rest is kept as is. */
  static String apply(String text, List<PiiEntity> entities, Function<PiiEntity, String> replacement) {
    StringBuilder out = new StringBuilder(text.length());
    int at = 0;
    for (PiiEntity e : entities) {
      if (e.start() < at || e.end() > text.length() || e.start() >= e.end()) {
        throw new IllegalArgumentException("entities must be sorted, non-overlapping and inside the text");
      }
      out.append(text, at, e.start()).append(replacement.apply(e));
      at = e.end();
    }
    return out.append(text, at, text.length()).toString();
  }
}
