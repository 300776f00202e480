package dev.confide.notify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain-text mail templates kept in resources ({@code dev/confide/notify/templates/NAME.txt}): a
 * {@code Subject:} line, a blank line, then the body. {@code {{name}}} is replaced by the parameter
 * of that name in one pass, so a value is never read as a template itself, whatever it contains.
 *
 * <p>Built-in templates and their parameters (beyond the deployment-wide {@code service},
 * {@code privacyUrl} and {@code contact}):
 * <ul>
 *   <li>{@code verification_code}: code, minutes</li>
 *   <li>{@code request_receipt}: requestType, requestId, receivedAt, dueAt</li>
 *   <li>{@code breach_notice}: summary, categories, measures, advice</li>
 *   <li>{@code policy_update}: version, summary, publishedOn</li>
 *   <li>{@code product_update}: title, message</li>
 *   <li>{@code email_verification}: code, hours</li>
 *   <li>{@code email_changed}: changedAt</li>
 * </ul>
 */
public final class MailTemplates {
  public static final List<String> BUILT_IN =
      List.of("verification_code", "request_receipt", "breach_notice", "policy_update", "product_update",
          "email_verification", "email_changed");
  /** Deployment-wide values every template may use. */
  public static final Set<String> REQUIRED_DEFAULTS = Set.of("service", "privacyUrl", "contact");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z][A-Za-z0-9_]*)}}");
  private static final String SUBJECT_PREFIX = "Subject: ";

  private final Map<String, Template> templates = new HashMap<>();
  private final Map<String, String> defaults;

  /** A rendered mail: one subject line and a plain-text body. */
  public record Rendered(String subjectLine, String body) {
    @Override
    public String toString() {
      return "Rendered[...]";
    }
  }

  private record Template(String subjectLine, String body) {}

  /** @param defaults values for {@link #REQUIRED_DEFAULTS} and any others shared by every mail */
  public MailTemplates(Map<String, String> defaults) {
    for (String key : REQUIRED_DEFAULTS) {
      if (defaults.get(key) == null || defaults.get(key).isBlank()) {
        throw new IllegalArgumentException("mail templates need a value for '" + key + "'");
      }
    }
    this.defaults = Map.copyOf(defaults);
    BUILT_IN.forEach(name -> templates.put(name, load(name)));
  }

  public boolean has(String template) {
    return templates.containsKey(template);
  }

  /**
   * Fills the template. Parameters win over the defaults.
   *
   * @throws IllegalArgumentException for an unknown template or a missing parameter
   */
  public Rendered render(String template, Map<String, String> params) {
    Template t = templates.get(template);
    if (t == null) {
      throw new IllegalArgumentException("no mail template named '" + template + "'");
    }
    Map<String, String> values = new LinkedHashMap<>(defaults);
    values.putAll(params);
    return new Rendered(fill(template, t.subjectLine(), values, true), fill(template, t.body(), values, false));
  }

  private static String fill(String template, String text, Map<String, String> values, boolean singleLine) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("mail template '" + template + "' needs the parameter '" + m.group(1) + "'");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(singleLine ? oneLine(value) : lines(value)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A header value cannot hold a line break: it would start a header of the value's choosing. */
  private static String oneLine(String value) {
    return value.codePoints()
        .map(c -> Character.isISOControl(c) ? ' ' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString().strip();
  }

  /** Line breaks stay (as LF); other control characters are dropped. */
  private static String lines(String value) {
    return value.replace("\r\n", "\n").replace('\r', '\n').codePoints()
        .filter(c -> c == '\n' || c == '\t' || !Character.isISOControl(c))
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }

  private static Template load(String name) {
    String resource = "templates/" + name + ".txt";
    try (InputStream in = MailTemplates.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("mail template resource missing: " + resource);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
      int end = text.indexOf("\n\n");
      if (!text.startsWith(SUBJECT_PREFIX) || end < 0) {
        throw new IllegalStateException("mail template " + name + " must start with 'Subject: ' and a blank line");
      }
      return new Template(text.substring(SUBJECT_PREFIX.length(), end).strip(), text.substring(end + 2));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
