package dev.confide.pii;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Consistent, reversible pseudonyms within one document or conversation: the first person found
 * becomes {@code <PERSON_1>}, and the same value is {@code <PERSON_1>} wherever it appears again.
 * {@link #restore} puts the originals back; the mapping can be sealed with the subject's key
 * ({@link #seal}) so only the subject's key can reverse it. Not thread-safe: one per document.
 */
public final class Pseudonymizer {
  /** Longest placeholder we ever produce; a streamed {@code <} further back than this is plain text. */
  static final int MAX_PLACEHOLDER = 48;
  private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Z][A-Z_]{0,30})_([0-9]{1,6})>");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> byValue = new HashMap<>();          // "TYPE\0value" -> placeholder
  private final Map<String, String> originals = new LinkedHashMap<>();  // placeholder -> value
  private final Map<String, Integer> counters = new HashMap<>();

  public String pseudonymize(String text, List<PiiEntity> entities) {
    return PiiOperators.apply(text, entities, e -> placeholderFor(e.type(), text.substring(e.start(), e.end())));
  }

  /** Replaces every placeholder this pseudonymizer made with its original value. */
  public String restore(String text) {
    if (originals.isEmpty() || text.indexOf('<') < 0) {
      return text;
    }
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      String original = originals.get(m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(original != null ? original : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Placeholder to original value, in order of first appearance. */
  public Map<String, String> mapping() {
    return Map.copyOf(originals);
  }

  /** How many distinct values of each type were replaced. */
  public Map<String, Integer> countsByType() {
    return Map.copyOf(counters);
  }

  /** The mapping sealed with the subject's key, bound to {@code where}. */
  public byte[] seal(Sealer sealer, FieldRef where) {
    try {
      return sealer.seal(where, JSON.writeValueAsBytes(originals));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A pseudonymizer that continues a sealed mapping: same values keep their placeholders. */
  public static Pseudonymizer open(Sealer sealer, FieldRef where, byte[] sealed) {
    Map<String, String> mapping;
    try {
      mapping = JSON.readValue(sealer.open(where, sealed), new TypeReference<LinkedHashMap<String, String>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Pseudonymizer p = new Pseudonymizer();
    mapping.forEach((placeholder, value) -> {
      Matcher m = PLACEHOLDER.matcher(placeholder);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a placeholder");
      }
      p.originals.put(placeholder, value);
      p.byValue.put(m.group(1) + '\0' + value, placeholder);
      p.counters.merge(m.group(1), Integer.parseInt(m.group(2)), Math::max);
    });
    return p;
  }

  /**
   * A sink for streamed text that restores placeholders even when one is split across chunks: text
   * that could still be the start of a placeholder is held back until it is complete or cannot be.
   */
  public Restorer restorer(Consumer<String> downstream) {
    return new Restorer(downstream);
  }

  /** See {@link #restorer}. Call {@link #finish} at the end of the stream. */
  public final class Restorer implements Consumer<String> {
    private final Consumer<String> downstream;
    private final StringBuilder pending = new StringBuilder();

    private Restorer(Consumer<String> downstream) {
      this.downstream = downstream;
    }

    @Override
    public void accept(String chunk) {
      pending.append(chunk);
      int hold = holdFrom(pending);
      if (hold > 0) {
        String ready = pending.substring(0, hold);
        pending.delete(0, hold);
        downstream.accept(restore(ready));
      }
    }

    /** Flushes whatever is held back. */
    public void finish() {
      if (pending.length() > 0) {
        String rest = pending.toString();
        pending.setLength(0);
        downstream.accept(restore(rest));
      }
    }
  }

  /** Where the held-back tail starts: at a {@code <} that may begin an unfinished placeholder. */
  static int holdFrom(CharSequence text) {
    int lt = -1;
    for (int i = text.length() - 1; i >= 0 && i >= text.length() - MAX_PLACEHOLDER; i--) {
      if (text.charAt(i) == '<') {
        lt = i;
        break;
      }
      if (text.charAt(i) == '>') {
        break;
      }
    }
    if (lt < 0) {
      return text.length();
    }
    for (int i = lt + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= 'A' && c <= 'Z') && c != '_' && !(c >= '0' && c <= '9')) {
        return text.length(); // not a placeholder's shape: nothing to hold
      }
    }
    return lt;
  }

  private String placeholderFor(String type, String value) {
    return byValue.computeIfAbsent(type + '\0' + value, k -> {
      int n = counters.merge(type, 1, Integer::sum);
      String placeholder = "<" + type + "_" + n + ">";
      originals.put(placeholder, value);
      return placeholder;
    });
  }
}
